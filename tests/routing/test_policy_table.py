"""The per-step policy table drives routing: change a row and the route changes, with the rule named."""

from __future__ import annotations

from decimal import Decimal

import pytest

from claimflow.routing import route_after_classify, route_after_extract, route_after_validate
from claimflow.state.outcomes import FieldResult
from claimflow.state.policy import Policy, StepPolicy
from claimflow.state.reasons import review_reasons
from claimflow.state.workflow import StepErrors
from tests.factories import TYPES, classified, clean_invoice_fields, field_result, invoice_state, make_state


def _policy(step: str, **row: object) -> Policy:
    return Policy(steps={step: StepPolicy.model_validate(row)})


def test_invalid_classification_can_fail_the_run_instead_of_reviewing() -> None:
    errors = {"classify": StepErrors(attempt=2, errors=["confidence: must be <= 1"])}
    reviewed = route_after_classify(make_state(step_errors=errors, attempts={"classify": 2}), TYPES)
    failed = route_after_classify(
        make_state(step_errors=errors, attempts={"classify": 2}, policy=_policy("classify", on_invalid_output="fail")),
        TYPES,
    )
    assert (reviewed.target, reviewed.rule) == ("prepare_review", "invalid_output_exhausted")
    assert (failed.target, failed.rule, failed.detail) == ("fail", "invalid_output_fails", "confidence: must be <= 1")


def test_max_attempts_comes_from_the_table() -> None:
    errors = {"extract_invoice": StepErrors(attempt=2, errors=["bad"])}
    state = make_state(classification=classified("invoice"), step_errors=errors, attempts={"extract_invoice": 2})
    assert route_after_extract(state).target == "prepare_review"
    patient = state.model_copy(update={"policy": _policy("extract", max_attempts=3)})
    assert (route_after_extract(patient).target, route_after_extract(patient).rule) == (
        "extract_invoice",
        "retry_invalid_output",
    )
    strict = state.model_copy(update={"policy": _policy("extract", on_invalid_output="fail")})
    assert route_after_extract(strict).target == "fail"


def _conflicted() -> dict[str, FieldResult]:
    values = clean_invoice_fields()
    values["due_date"] = FieldResult(
        name="due_date", status="rejected", decided_by="x", reasons=["conflicting values: '2024-01-01' vs '2024-02-01'"]
    )
    return values


def test_conflicting_values_are_reviewed_by_default_and_can_fail() -> None:
    reviewed = route_after_validate(invoice_state(fields=_conflicted()), TYPES)
    failed = route_after_validate(
        invoice_state(fields=_conflicted(), policy=_policy("extract", on_conflicting_values="fail")), TYPES
    )
    assert (reviewed.target, reviewed.rule) == ("prepare_review", "conflicting_values")
    assert (failed.target, failed.rule) == ("fail", "conflicting_values_fail")
    assert "conflicting values" in failed.detail


@pytest.mark.parametrize(("setting", "expected"), [("mark_unsupported", []), ("review", ["unsupported_evidence"])])
def test_an_unsupported_optional_field_is_reviewed_only_when_the_table_says_so(
    setting: str, expected: list[str]
) -> None:
    values = clean_invoice_fields()
    values["due_date"] = field_result("due_date", None, status="rejected")
    state = invoice_state(fields=values, policy=_policy("extract", on_missing_evidence=setting))
    assert [r.code for r in review_reasons(state, TYPES)] == expected


def test_the_high_risk_review_can_be_switched_off_but_its_stricter_bar_stays() -> None:
    confident = clean_invoice_fields(confidence=0.99, total="25000.00")
    assert [r.code for r in review_reasons(invoice_state(fields=confident), TYPES)] == ["high_risk"]
    relaxed = Policy(high_risk_review=False, high_risk_total=Decimal("10000"))
    assert review_reasons(invoice_state(fields=confident, policy=relaxed), TYPES) == []
    unsure = clean_invoice_fields(confidence=0.9, total="25000.00")
    codes = {r.code for r in review_reasons(invoice_state(fields=unsure, policy=relaxed), TYPES)}
    assert codes == {"low_confidence_field"}
