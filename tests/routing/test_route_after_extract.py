"""route_after_extract: stop at the budget, retry invalid output within policy, then review; else arbitrate."""

from __future__ import annotations

import pytest

from claimflow.routing import route_after_extract
from claimflow.state.budget import Budget
from claimflow.state.claims import ExtractionClaim
from claimflow.state.policy import Policy
from claimflow.state.workflow import Candidate, StepErrors
from tests.factories import classified, make_state


def test_without_an_accepted_type_goes_to_review() -> None:
    route = route_after_extract(make_state(classification=classified("unknown")))
    assert (route.target, route.rule) == ("prepare_review", "type_not_accepted")


@pytest.mark.parametrize("doc_type", ["invoice", "receipt", "contract", "purchase_order"])
def test_invalid_output_is_retried_on_the_same_extractor(doc_type: str) -> None:
    step = f"extract_{doc_type}"
    state = make_state(
        classification=classified(doc_type),
        step_errors={step: StepErrors(attempt=1, errors=["fields: not a list"])},
        attempts={step: 1},
    )
    route = route_after_extract(state)
    assert (route.target, route.rule) == (step, "retry_invalid_output")


def test_invalid_output_goes_to_review_when_attempts_are_exhausted() -> None:
    state = make_state(
        classification=classified("receipt"),
        step_errors={"extract_receipt": StepErrors(attempt=2, errors=["fields: not a list"])},
        attempts={"extract_receipt": 2},
    )
    route = route_after_extract(state)
    assert (route.target, route.rule) == ("prepare_review", "invalid_output_exhausted")
    assert route.detail == "fields: not a list"


def test_errors_of_another_step_do_not_count() -> None:
    state = make_state(
        classification=classified("invoice"),
        step_errors={"extract_receipt": StepErrors(attempt=2, errors=["x"])},
        attempts={"extract_receipt": 2},
    )
    assert route_after_extract(state).rule == "output_valid"


@pytest.mark.parametrize("doc_type", ["invoice", "receipt", "contract", "purchase_order"])
def test_valid_output_goes_to_arbitration(doc_type: str) -> None:
    candidates = [
        Candidate(source="primary", model="rules", attempt=1, claim=ExtractionClaim()),
        Candidate(source="second", model="openai:m", attempt=1, claim=ExtractionClaim()),
    ]
    state = make_state(classification=classified(doc_type), candidates=candidates)
    route = route_after_extract(state)
    assert (route.target, route.rule) == (f"arbitrate_{doc_type}", "output_valid")
    assert route.detail == "2 candidate(s): primary:rules, second:openai:m"


@pytest.mark.parametrize("on_exceeded", ["review", "fail"])
def test_an_exhausted_budget_stops_extraction(on_exceeded: str) -> None:
    policy = Policy(budget=Budget(max_calls=1, on_exceeded=on_exceeded))  # type: ignore[arg-type]
    state = make_state(classification=classified("invoice"), policy=policy, budget_stop="1 model call(s) made")
    route = route_after_extract(state)
    expected = ("prepare_review", "budget_exceeded") if on_exceeded == "review" else ("fail", "budget_exceeded_fail")
    assert (route.target, route.rule) == expected
    assert route.detail == "1 model call(s) made"
