"""A call ends when the model seconds the run has left run out, retries and waits included, over real HTTP."""

from __future__ import annotations

import dataclasses
import time

import pytest

from claimflow.doctypes import BUILTIN_TYPES
from claimflow.nodes.ports import ModelBudgetSpentError, ModelInput, ModelUnavailableError
from claimflow.prompts import CLASSIFY
from claimflow.state.claims import ClassificationClaim
from tests.factories import INVOICE as INVOICE_TEXT
from tests.fakes.openai_server import FakeModelServer, Reply, chat_completion, error_reply
from tests.gateway.conftest import FAST_RETRIES, MakeGateway

ANSWER = ClassificationClaim(doc_type="invoice", confidence=0.9, evidence=[{"quote": "INVOICE"}])


def _request(seconds_left: float | None) -> ModelInput:
    return ModelInput(pages=INVOICE_TEXT.pages, types=BUILTIN_TYPES, seconds_left=seconds_left)


def _slow(delay_s: float) -> Reply:
    return Reply(body=chat_completion(ANSWER.model_dump_json()), delay_s=delay_s)


async def test_a_slow_answer_is_cut_off_when_the_runs_model_seconds_run_out(
    model_server: FakeModelServer, server_gateway: MakeGateway
) -> None:
    model_server.script(_slow(3.0))
    gateway = server_gateway(timeout_s=60.0)

    started = time.monotonic()
    with pytest.raises(ModelBudgetSpentError) as raised:
        await gateway.complete(CLASSIFY, _request(0.8))
    elapsed = time.monotonic() - started

    assert str(raised.value) == (
        "classify@3 on openai:fake-model: no answer within the 0.8 s of model time the run's budget had left "
        "after 1 attempt"
    )
    assert 0.8 <= elapsed < 1.3
    usage = raised.value.usage
    assert usage is not None and 800 <= usage.latency_ms < 1300


async def test_the_time_left_shrinks_across_the_attempts_of_one_call(
    model_server: FakeModelServer, server_gateway: MakeGateway
) -> None:
    overloaded = dataclasses.replace(error_reply(503, "overloaded"), delay_s=0.5)
    model_server.script(overloaded, _slow(3.0))
    gateway = server_gateway(timeout_s=60.0)

    started = time.monotonic()
    with pytest.raises(ModelBudgetSpentError, match=r"had left after 2 attempts$") as raised:
        await gateway.complete(CLASSIFY, _request(1.2))
    elapsed = time.monotonic() - started

    # The second attempt had what the first one left, not 1.2 s of its own.
    assert 1.2 <= elapsed < 1.7
    usage = raised.value.usage
    assert usage is not None and usage.attempts == 2 and usage.latency_ms < 1700


async def test_a_model_timeout_shorter_than_the_time_left_is_the_servers_failure(
    model_server: FakeModelServer, server_gateway: MakeGateway
) -> None:
    model_server.script(_slow(3.0))
    gateway = server_gateway(timeout_s=0.5, transport=dataclasses.replace(FAST_RETRIES, max_attempts=1))

    with pytest.raises(ModelUnavailableError, match=r"no answer within 0.5 s after 1 attempt$") as raised:
        await gateway.complete(CLASSIFY, _request(30.0))

    assert not isinstance(raised.value, ModelBudgetSpentError)


async def test_a_call_with_time_left_answers_as_before(
    model_server: FakeModelServer, server_gateway: MakeGateway
) -> None:
    model_server.script(_slow(0.1))
    gateway = server_gateway(timeout_s=60.0)

    result = await gateway.complete(CLASSIFY, _request(5.0))

    assert result.claim == ANSWER
