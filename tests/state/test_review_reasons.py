"""review_reasons: each code fires on a state built for it; a clean state has none."""

from __future__ import annotations

from decimal import Decimal

from claimflow.state.outcomes import ReviewReason, RuleResult
from claimflow.state.policy import Policy
from claimflow.state.reasons import classification_reasons, is_high_risk, review_reasons
from claimflow.state.workflow import StepErrors, WorkflowState
from tests.factories import classified, clean_invoice_fields, field_result, invoice_state, make_state


def _codes(state: WorkflowState) -> list[str]:
    return [reason.code for reason in review_reasons(state)]


def _clean() -> WorkflowState:
    return invoice_state(fields=clean_invoice_fields())


def test_clean_state_has_no_reasons() -> None:
    assert review_reasons(_clean()) == []


def test_unclassified_document_is_unknown_type() -> None:
    assert _codes(make_state()) == ["unknown_type"]


def test_unknown_type() -> None:
    (reason,) = review_reasons(make_state(classification=classified("unknown", 0.9)))
    assert reason.code == "unknown_type"


def test_low_confidence_type_below_the_policy_threshold() -> None:
    assert _codes(make_state(classification=classified("invoice", 0.69))) == ["low_confidence_type"]
    assert _codes(invoice_state(fields=clean_invoice_fields()).model_copy(
        update={"classification": classified("invoice", 0.7)})) == []  # fmt: skip


def test_low_confidence_type_follows_a_stricter_policy() -> None:
    strict = Policy(classify_min_confidence=0.99)
    assert _codes(_clean().model_copy(update={"policy": strict})) == ["low_confidence_type"]


def test_rejected_classification_is_unsupported_evidence() -> None:
    state = make_state(classification=classified("invoice", 0.99, accepted=False))
    assert _codes(state) == ["unsupported_evidence"]


def test_invalid_classification_output() -> None:
    state = make_state(step_errors={"classify": StepErrors(attempt=2, errors=["doc_type: missing"])})
    (reason,) = review_reasons(state)
    assert reason.code == "invalid_output"
    assert "doc_type: missing" in reason.message


def test_invalid_extraction_output() -> None:
    state = _clean().model_copy(update={"step_errors": {"extract_invoice": StepErrors(attempt=2, errors=["bad"])}})
    assert _codes(state) == ["invalid_output"]


def test_missing_required_comes_from_the_required_fields_rule() -> None:
    failed = RuleResult(rule="required_fields_present", passed=False, message="missing: vendor_name")
    assert _codes(_clean().model_copy(update={"rule_results": [failed]})) == ["missing_required"]


def test_low_confidence_field() -> None:
    values = clean_invoice_fields()
    values["currency"] = field_result("currency", "EUR", confidence=0.79)
    (reason,) = review_reasons(invoice_state(fields=values))
    assert reason.code == "low_confidence_field"
    assert reason.field == "currency"


def test_field_exactly_at_the_threshold_is_confident_enough() -> None:
    assert review_reasons(invoice_state(fields=clean_invoice_fields(confidence=0.8))) == []


def test_edited_fields_are_not_questioned() -> None:
    values = clean_invoice_fields()
    values["currency"] = field_result("currency", "EUR", status="edited", confidence=0.1)
    assert review_reasons(invoice_state(fields=values)) == []


def test_conflicting_values() -> None:
    values = clean_invoice_fields()
    values["due_date"] = field_result(
        "due_date",
        None,
        status="rejected",
        confidence=None,
        reasons=["conflicting values: '2024-04-11' vs '2024-11-04'"],
    )
    (reason,) = review_reasons(invoice_state(fields=values))
    assert (reason.code, reason.field) == ("conflicting_values", "due_date")


def test_rejected_required_field_is_unsupported_evidence_but_optional_is_not() -> None:
    values = clean_invoice_fields()
    values["total_amount"] = field_result("total_amount", None, status="rejected", reasons=["quote not found"])
    values["due_date"] = field_result("due_date", None, status="rejected", reasons=["quote not found"])
    assert [(r.code, r.field) for r in review_reasons(invoice_state(fields=values))] == [
        ("unsupported_evidence", "total_amount")
    ]


def test_failed_rule_is_validation_failed_and_info_rules_are_ignored() -> None:
    rules = [
        RuleResult(rule="net_plus_tax_equals_total", passed=False, message="off by 10.00"),
        RuleResult(rule="some_hint", passed=False, message="fyi", severity="info"),
        RuleResult(rule="total_positive", passed=True, message="ok"),
    ]
    (reason,) = review_reasons(_clean().model_copy(update={"rule_results": rules}))
    assert reason.code == "validation_failed"
    assert reason.message.startswith("net_plus_tax_equals_total:")


def test_duplicate() -> None:
    rule = RuleResult(rule="invoice_number_not_seen_for_vendor", passed=False, message="seen in run-0")
    assert _codes(_clean().model_copy(update={"rule_results": [rule]})) == ["duplicate"]


def test_high_risk_total_is_mandatory_review() -> None:
    state = invoice_state(fields=clean_invoice_fields(confidence=0.99, total="10000.00"))
    assert is_high_risk(state)
    assert review_reasons(state) == [
        ReviewReason(
            code="high_risk",
            message="total reaches the high-risk amount 10000: review is mandatory",
            field="total_amount",
        )
    ]


def test_high_risk_applies_the_stricter_field_threshold() -> None:
    # 0.9 passes the normal bar (0.8) but not the high-risk one (0.95).
    below = invoice_state(fields=clean_invoice_fields(confidence=0.9, total="9999.99"))
    assert not is_high_risk(below)
    assert review_reasons(below) == []
    at = invoice_state(fields=clean_invoice_fields(confidence=0.9, total="10000.00"))
    codes = _codes(at)
    assert codes.count("low_confidence_field") == len(clean_invoice_fields())
    assert codes[-1] == "high_risk"


def test_high_risk_threshold_comes_from_the_policy() -> None:
    state = invoice_state(fields=clean_invoice_fields(confidence=0.99), policy=Policy(high_risk_total=Decimal(100)))
    assert _codes(state) == ["high_risk"]


def test_receipts_are_never_high_risk() -> None:
    values = {
        "vendor_name": field_result("vendor_name", "Shop"),
        "issue_date": field_result("issue_date", "2024-03-12"),
        "total_amount": field_result("total_amount", "50000.00"),
    }
    state = make_state(classification=classified("receipt"), fields=values)
    assert not is_high_risk(state)
    assert review_reasons(state) == []


def test_classification_reasons_stop_the_field_checks() -> None:
    values = clean_invoice_fields(confidence=0.1)
    state = make_state(classification=classified("invoice", 0.5), fields=values)
    assert _codes(state) == ["low_confidence_type"]
    assert classification_reasons(state) == review_reasons(state)
