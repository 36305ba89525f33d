"""route_after_classify: retry invalid output within policy, review unusable types, else extract."""

from __future__ import annotations

import pytest

from claimflow.routing import route_after_classify, router_targets
from claimflow.routing.names import ROUTE_TYPE
from claimflow.state.policy import Policy, StepPolicy
from claimflow.state.schema import DocumentTypes
from claimflow.state.workflow import StepErrors, WorkflowState
from tests.factories import PURCHASE_ORDER, TYPES, classified, make_state

ORDERS = DocumentTypes([PURCHASE_ORDER])
"""A workflow over one user type only."""


def _invalid(attempts: int, policy: Policy | None = None) -> WorkflowState:
    state = make_state(
        step_errors={"classify": StepErrors(attempt=attempts, errors=["doc_type: field required"])},
        attempts={"classify": attempts},
    )
    return state.model_copy(update={"policy": policy}) if policy else state


def test_invalid_output_is_retried_while_attempts_remain() -> None:
    route = route_after_classify(_invalid(1), TYPES)
    assert (route.target, route.rule) == ("classify", "retry_invalid_output")
    assert route.detail == "attempt 1 of 2 invalid"


def test_invalid_output_goes_to_review_when_attempts_are_exhausted() -> None:
    route = route_after_classify(_invalid(2), TYPES)
    assert (route.target, route.rule) == ("prepare_review", "invalid_output_exhausted")
    assert "doc_type: field required" in route.detail


def test_attempt_limit_comes_from_the_policy() -> None:
    policy = Policy(steps={"classify": StepPolicy(max_attempts=3)})
    assert route_after_classify(_invalid(2, policy), TYPES).rule == "retry_invalid_output"
    assert route_after_classify(_invalid(3, policy), TYPES).rule == "invalid_output_exhausted"


def test_unknown_type_goes_to_review() -> None:
    route = route_after_classify(make_state(classification=classified("unknown", 0.9)), TYPES)
    assert (route.target, route.rule) == ("prepare_review", "unknown_type")
    assert route.detail == "the document is none of: invoice, receipt, contract"


def test_no_classification_goes_to_review() -> None:
    route = route_after_classify(make_state(), TYPES)
    assert (route.target, route.rule) == ("prepare_review", "unknown_type")


def test_low_confidence_type_goes_to_review() -> None:
    route = route_after_classify(make_state(classification=classified("invoice", 0.5)), TYPES)
    assert (route.target, route.rule) == ("prepare_review", "low_confidence_type")


def test_type_without_support_goes_to_review() -> None:
    route = route_after_classify(make_state(classification=classified("invoice", 0.99, accepted=False)), TYPES)
    assert (route.target, route.rule) == ("prepare_review", "unsupported_evidence")


@pytest.mark.parametrize("doc_type", ["invoice", "receipt", "contract"])
def test_accepted_type_goes_to_its_extractor(doc_type: str) -> None:
    route = route_after_classify(make_state(classification=classified(doc_type, 0.9)), TYPES)
    assert (route.target, route.rule) == (f"extract_{doc_type}", "type_accepted")
    assert route.detail == f"{doc_type} at 0.90"


def test_a_workflow_over_one_user_type_extracts_that_type() -> None:
    route = route_after_classify(make_state(classification=classified("purchase_order", 0.9)), ORDERS)
    assert (route.target, route.rule, route.detail) == (
        "extract_purchase_order",
        "type_accepted",
        "purchase_order at 0.90",
    )
    assert route.target in router_targets(ORDERS.names)[ROUTE_TYPE]


def test_a_workflow_over_one_user_type_names_only_that_type_when_none_fits() -> None:
    route = route_after_classify(make_state(classification=classified("unknown", 0.9)), ORDERS)
    assert (route.target, route.rule) == ("prepare_review", "unknown_type")
    assert route.detail == "the document is none of: purchase_order"


def test_an_accepted_type_that_is_not_active_goes_to_review() -> None:
    # An invoice classification in a workflow over purchase orders only (e.g. a run resumed after the active
    # types changed): there is no extract_invoice node, so the router must not choose it.
    route = route_after_classify(make_state(classification=classified("invoice", 0.9)), ORDERS)
    assert route.target in router_targets(ORDERS.names)[ROUTE_TYPE]
    assert (route.target, route.rule) == ("prepare_review", "unknown_type")
