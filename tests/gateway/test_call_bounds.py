"""A call has a deadline as a whole and a cap on the answer's size, both enforced against a real HTTP server."""

from __future__ import annotations

import dataclasses
import time
import tracemalloc

import pytest

from claimflow.doctypes import BUILTIN_TYPES
from claimflow.nodes.ports import ModelInput, ModelUnavailableError
from claimflow.prompts import CLASSIFY
from claimflow.state.claims import ClassificationClaim
from tests.factories import INVOICE as INVOICE_TEXT
from tests.fakes.openai_server import FakeModelServer, Reply, anthropic_message, chat_completion
from tests.gateway.conftest import FAST_RETRIES, MakeGateway

REQUEST = ModelInput(pages=INVOICE_TEXT.pages, types=BUILTIN_TYPES)
ANSWER = ClassificationClaim(doc_type="invoice", confidence=0.9, evidence=[{"quote": "INVOICE"}])
MEBIBYTE = 1024 * 1024


def _dripping() -> Reply:
    """A byte a second, forever: no read ever waits long, so only a deadline on the call ends it."""
    return Reply(body=chat_completion(ANSWER.model_dump_json()), endless=True, trickle_s=1.0)


async def test_a_dripping_server_ends_at_the_call_deadline_though_attempts_would_go_on(
    model_server: FakeModelServer, server_gateway: MakeGateway
) -> None:
    model_server.script(*[_dripping() for _ in range(10)])
    gateway = server_gateway(
        timeout_s=1.5, call_deadline_s=4.0, transport=dataclasses.replace(FAST_RETRIES, max_attempts=10)
    )

    started = time.monotonic()
    with pytest.raises(ModelUnavailableError) as raised:
        await gateway.complete(CLASSIFY, REQUEST)
    elapsed = time.monotonic() - started

    message = str(raised.value)
    assert message.startswith("classify@3 on openai:fake-model: no answer within the call's deadline of 4 s after ")
    assert 4.0 <= elapsed < 6.0
    usage = raised.value.usage
    assert usage is not None and usage.attempts == len(model_server.requests)
    assert 2 <= usage.attempts < 10  # attempts of 1.5 s each, stopped by the call's 4 s
    assert usage.latency_ms >= 4000


async def test_one_long_attempt_ends_at_the_call_deadline(
    model_server: FakeModelServer, server_gateway: MakeGateway
) -> None:
    model_server.script(_dripping())
    gateway = server_gateway(timeout_s=60.0, call_deadline_s=2.0)

    started = time.monotonic()
    with pytest.raises(ModelUnavailableError, match=r"no answer within the call's deadline of 2 s after 1 attempt$"):
        await gateway.complete(CLASSIFY, REQUEST)

    assert 2.0 <= time.monotonic() - started < 4.0


async def test_an_oversized_answer_fails_unread_and_is_not_retried(
    model_server: FakeModelServer, server_gateway: MakeGateway
) -> None:
    """64 MiB of white space before a valid answer: read whole, it would be a valid claim."""
    model_server.script(*[Reply(body=chat_completion(ANSWER.model_dump_json()), padding=64 * MEBIBYTE)] * 4)
    gateway = server_gateway(max_response_bytes=MEBIBYTE)

    tracemalloc.start()
    try:
        with pytest.raises(ModelUnavailableError) as raised:
            await gateway.complete(CLASSIFY, REQUEST)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert str(raised.value) == (
        "classify@3 on openai:fake-model: the answer is larger than 1,048,576 bytes "
        "(CLAIMFLOW_MODEL_MAX_RESPONSE_BYTES) after 1 attempt"
    )
    assert len(model_server.requests) == 1
    assert peak < 16 * MEBIBYTE, peak
    assert model_server.padded < 32 * MEBIBYTE  # the client hung up long before the end


async def test_a_declared_length_over_the_cap_is_refused_before_the_body_is_read(
    model_server: FakeModelServer, server_gateway: MakeGateway
) -> None:
    body = anthropic_message(ANSWER, tool_name="ClassificationClaim")
    body["padding"] = " " * (2 * MEBIBYTE)
    model_server.script(Reply(body=body))
    gateway = server_gateway("anthropic:fake-claude", max_response_bytes=MEBIBYTE)

    with pytest.raises(ModelUnavailableError, match=r"the answer is larger than 1,048,576 bytes .* after 1 attempt$"):
        await gateway.complete(CLASSIFY, REQUEST)
    assert len(model_server.requests) == 1
