"""route_after_classify: retry invalid output within policy, review unusable types, else extract."""

from __future__ import annotations

import pytest

from claimflow.routing import route_after_classify
from claimflow.state.fields import DocType
from claimflow.state.policy import Policy, StepPolicy
from claimflow.state.workflow import StepErrors, WorkflowState
from tests.factories import classified, make_state


def _invalid(attempts: int, policy: Policy | None = None) -> WorkflowState:
    state = make_state(
        step_errors={"classify": StepErrors(attempt=attempts, errors=["doc_type: field required"])},
        attempts={"classify": attempts},
    )
    return state.model_copy(update={"policy": policy}) if policy else state


def test_invalid_output_is_retried_while_attempts_remain() -> None:
    route = route_after_classify(_invalid(1))
    assert (route.target, route.rule) == ("classify", "retry_invalid_output")
    assert route.detail == "attempt 1 of 2 invalid"


def test_invalid_output_goes_to_review_when_attempts_are_exhausted() -> None:
    route = route_after_classify(_invalid(2))
    assert (route.target, route.rule) == ("prepare_review", "invalid_output_exhausted")
    assert "doc_type: field required" in route.detail


def test_attempt_limit_comes_from_the_policy() -> None:
    policy = Policy(steps={"classify": StepPolicy(max_attempts=3)})
    assert route_after_classify(_invalid(2, policy)).rule == "retry_invalid_output"
    assert route_after_classify(_invalid(3, policy)).rule == "invalid_output_exhausted"


def test_unknown_type_goes_to_review() -> None:
    route = route_after_classify(make_state(classification=classified("unknown", 0.9)))
    assert (route.target, route.rule) == ("prepare_review", "unknown_type")


def test_no_classification_goes_to_review() -> None:
    route = route_after_classify(make_state())
    assert (route.target, route.rule) == ("prepare_review", "unknown_type")


def test_low_confidence_type_goes_to_review() -> None:
    route = route_after_classify(make_state(classification=classified("invoice", 0.5)))
    assert (route.target, route.rule) == ("prepare_review", "low_confidence_type")


def test_type_without_support_goes_to_review() -> None:
    route = route_after_classify(make_state(classification=classified("invoice", 0.99, accepted=False)))
    assert (route.target, route.rule) == ("prepare_review", "unsupported_evidence")


@pytest.mark.parametrize("doc_type", ["invoice", "receipt", "contract"])
def test_accepted_type_goes_to_its_extractor(doc_type: DocType) -> None:
    route = route_after_classify(make_state(classification=classified(doc_type, 0.9)))
    assert (route.target, route.rule) == (f"extract_{doc_type}", "type_accepted")
    assert route.detail == f"{doc_type} at 0.90"
