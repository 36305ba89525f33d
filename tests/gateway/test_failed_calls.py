"""A call that gets no answer is a fact in state: a `model.called` event with its error, counted in usage and budget,
and the router after the step sends the run to `fail` with rule `model_unavailable`."""

from __future__ import annotations

from typing import Any, cast

import pytest

from claimflow.doctypes import BUILTIN_TYPES
from claimflow.nodes._model_step import ModelView, add_usage, call_model, model_failure
from claimflow.nodes.ports import ModelUnavailableError, Usage, WorkflowContext
from claimflow.prompts import CLASSIFY
from claimflow.routing import route_after_classify, route_after_extract
from claimflow.runtime.gateway.recording import ReplayMissError
from claimflow.state.budget import Budget, UsageTotals, budget_exhausted
from claimflow.state.schema import DocumentTypes
from claimflow.state.workflow import StepErrors
from tests.factories import INVOICE, classified, make_state
from tests.integration._fake_models import FailingGateway

TYPES = DocumentTypes(BUILTIN_TYPES)
VIEW = ModelView(masked=INVOICE, replacements=())


def _context(gateway: Any) -> WorkflowContext:
    return WorkflowContext(gateway=gateway, store=cast(Any, None), parser=cast(Any, None), records=cast(Any, None))


async def test_a_failed_call_carries_its_usage_into_the_event_and_the_run_totals() -> None:
    usage = Usage(model="openai:flaky", prompt="classify@3", prompt_hash="h", latency_ms=1500.0, attempts=3)
    error = ModelUnavailableError("classify@3 on openai:flaky: HTTP 503 (busy) after 3 attempts", usage=usage)

    call = await call_model(make_state(), _context(FailingGateway(error)), CLASSIFY, VIEW, step="classify")

    expected = "ModelUnavailableError: classify@3 on openai:flaky: HTTP 503 (busy) after 3 attempts"
    assert call.failure == expected and call.result.claim is None
    event = call.usage_event
    assert (event.type, event.step) == ("model.called", "classify")
    assert (event.data["error"], event.data["valid"], event.data["transport_attempts"]) == (expected, False, 3)
    assert (event.data["latency_ms"], event.data["model"]) == (1500.0, "openai:flaky")
    totals = add_usage(UsageTotals(), [call])
    assert (totals.calls, totals.model_seconds) == (1, 1.5)
    assert budget_exhausted(Budget(max_model_seconds=1.0), totals) is not None
    assert budget_exhausted(Budget(max_calls=1), totals) is not None
    failed = model_failure([call])
    assert failed is not None and failed.error == expected


async def test_an_error_without_usage_is_counted_as_one_call_of_the_gateway() -> None:
    error = ReplayMissError("no recorded exchange for step classify")

    call = await call_model(make_state(), _context(FailingGateway(error)), CLASSIFY, VIEW, step="classify")

    assert call.failure == "ReplayMissError: no recorded exchange for step classify"
    usage = call.result.usage
    assert (usage.model, usage.prompt, usage.prompt_hash, usage.attempts) == (
        "openai:flaky",
        "classify@3",
        CLASSIFY.content_hash,
        1,
    )
    assert add_usage(UsageTotals(), [call]).calls == 1


def test_an_answered_call_has_no_failure() -> None:
    assert model_failure([]) is None


@pytest.mark.parametrize("router", ["classify", "extract"])
def test_the_router_fails_the_run_with_rule_model_unavailable_before_anything_else(router: str) -> None:
    reason = "ModelUnavailableError: extract_invoice@4 on openai:flaky: HTTP 503 (busy) after 2 attempts"
    state = make_state(
        classification=classified("invoice"),
        error=reason,
        budget_stop="2 model call(s) made, the budget allows 2",
        step_errors={"classify": StepErrors(attempt=1, errors=["x"])},
    )
    route = route_after_classify(state, TYPES) if router == "classify" else route_after_extract(state)
    assert (route.target, route.rule, route.detail) == ("fail", "model_unavailable", reason)
