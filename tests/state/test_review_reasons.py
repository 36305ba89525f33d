"""review_reasons: each code fires on a state built for it; a clean state has none."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from claimflow.doctypes import INVOICE, RECEIPT
from claimflow.state.apply import apply_extraction, build_review_request
from claimflow.state.claims import ExtractionClaim
from claimflow.state.outcomes import ReviewReason, RuleResult
from claimflow.state.policy import Policy
from claimflow.state.reasons import classification_reasons, field_threshold, is_high_risk, review_reasons
from claimflow.state.review import ReviewDecision
from claimflow.state.rules import required_present
from claimflow.state.schema import DocumentType, DocumentTypes, Field
from claimflow.state.workflow import StepErrors, WorkflowState
from tests.factories import (
    INVOICE_SOURCE,
    PURCHASE_ORDER,
    TYPES,
    classified,
    clean_invoice_fields,
    field_result,
    fields,
    invoice_state,
    make_state,
    row_claim,
)

PAYSLIP = DocumentType(
    name="payslip",
    description="A statement of one month's pay: employee, net pay.",
    fields=[
        Field("employee", "text", required=True, auto_accept=0.99),
        Field("net_pay", "amount", required=True, auto_accept=0.5),
        Field("tax_code", "identifier"),
    ],
    risk_field="net_pay",
)
"""A user type whose fields set their own confidence bars, and whose risk field is not called total_amount."""
PAYSLIPS = DocumentTypes([PAYSLIP])


def _codes(state: WorkflowState, types: DocumentTypes = TYPES) -> list[str]:
    return [reason.code for reason in review_reasons(state, types)]


def _clean() -> WorkflowState:
    return invoice_state(fields=clean_invoice_fields())


def test_clean_state_has_no_reasons() -> None:
    assert review_reasons(_clean(), TYPES) == []


def test_unclassified_document_is_unknown_type() -> None:
    assert _codes(make_state()) == ["unknown_type"]


def test_unknown_type_names_the_active_types() -> None:
    (reason,) = review_reasons(make_state(classification=classified("unknown", 0.9)), TYPES)
    assert (reason.code, reason.message) == ("unknown_type", "the document is none of: invoice, receipt, contract")
    (custom,) = review_reasons(make_state(classification=classified("unknown", 0.9)), DocumentTypes([PURCHASE_ORDER]))
    assert custom.message == "the document is none of: purchase_order"


def test_an_accepted_type_that_is_not_active_is_an_unknown_type() -> None:
    # A run classified as an invoice, looked at by a workflow over purchase orders only: the type cannot be
    # used, and its fields must not be finalized unchecked.
    state = invoice_state(fields=clean_invoice_fields())
    orders = DocumentTypes([PURCHASE_ORDER])
    assert [r.code for r in classification_reasons(state, orders)] == ["unknown_type"]
    assert _codes(state, orders) == ["unknown_type"]


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
    (reason,) = review_reasons(state, TYPES)
    assert reason.code == "invalid_output"
    assert "doc_type: missing" in reason.message


def test_invalid_extraction_output() -> None:
    state = _clean().model_copy(update={"step_errors": {"extract_invoice": StepErrors(attempt=2, errors=["bad"])}})
    assert _codes(state) == ["invalid_output"]


def test_invalid_extraction_output_of_a_user_type_is_read_from_its_own_step() -> None:
    errors = {"extract_purchase_order": StepErrors(attempt=2, errors=["fields: not a list"])}
    state = make_state(classification=classified("purchase_order"), step_errors=errors)
    (reason,) = review_reasons(state, DocumentTypes([PURCHASE_ORDER]))
    assert (reason.code, reason.message) == ("invalid_output", "extraction output invalid: fields: not a list")


def test_missing_required_comes_from_the_required_fields_rule() -> None:
    values = clean_invoice_fields()
    del values["vendor_name"]
    failed = required_present(INVOICE, values, {})
    assert _codes(_clean().model_copy(update={"rule_results": [failed]})) == ["missing_required"]


def test_low_confidence_field() -> None:
    values = clean_invoice_fields()
    values["currency"] = field_result("currency", "EUR", confidence=0.79)
    (reason,) = review_reasons(invoice_state(fields=values), TYPES)
    assert reason.code == "low_confidence_field"
    assert reason.field == "currency"
    assert reason.message == "currency = 'EUR' at confidence 0.79, below 0.80"


def test_field_exactly_at_the_threshold_is_confident_enough() -> None:
    assert review_reasons(invoice_state(fields=clean_invoice_fields(confidence=0.8)), TYPES) == []


def test_edited_fields_are_not_questioned() -> None:
    values = clean_invoice_fields()
    values["currency"] = field_result("currency", "EUR", status="edited", confidence=0.1)
    assert review_reasons(invoice_state(fields=values), TYPES) == []


def test_conflicting_values() -> None:
    values = clean_invoice_fields()
    values["due_date"] = field_result(
        "due_date",
        None,
        status="rejected",
        confidence=None,
        reasons=["conflicting values: '2024-04-11' vs '2024-11-04'"],
    )
    (reason,) = review_reasons(invoice_state(fields=values), TYPES)
    assert (reason.code, reason.field) == ("conflicting_values", "due_date")


def test_rejected_required_field_is_unsupported_evidence_but_optional_is_not() -> None:
    values = clean_invoice_fields()
    values["total_amount"] = field_result("total_amount", None, status="rejected", reasons=["quote not found"])
    values["due_date"] = field_result("due_date", None, status="rejected", reasons=["quote not found"])
    assert [(r.code, r.field) for r in review_reasons(invoice_state(fields=values), TYPES)] == [
        ("unsupported_evidence", "total_amount")
    ]


def test_failed_rule_is_validation_failed_and_info_rules_are_ignored() -> None:
    rules = [
        RuleResult(rule="net_plus_tax_equals_total", passed=False, message="off by 10.00"),
        RuleResult(rule="some_hint", passed=False, message="fyi", severity="info"),
        RuleResult(rule="total_positive", passed=True, message="ok"),
    ]
    (reason,) = review_reasons(_clean().model_copy(update={"rule_results": rules}), TYPES)
    assert reason.code == "validation_failed"
    assert reason.message.startswith("net_plus_tax_equals_total:")


def test_duplicate() -> None:
    values = {"vendor_name": "ACME Tools GmbH", "invoice_number": "INV-2024-0042"}
    (rule,) = INVOICE.check(values, today=date(2024, 6, 1), earlier_runs=("run-0",))
    (reason,) = review_reasons(_clean().model_copy(update={"rule_results": [rule]}), TYPES)
    assert reason.code == "duplicate"
    assert reason.message.startswith("invoice_number_not_seen_for_vendor: invoice number already seen")


def test_a_failed_rule_becomes_the_review_reason_its_result_names() -> None:
    failed = RuleResult(rule="po_matches", passed=False, message="no such order", code="missing_required")
    assert _codes(_clean().model_copy(update={"rule_results": [failed]})) == ["missing_required"]


def test_high_risk_total_is_mandatory_review() -> None:
    state = invoice_state(fields=clean_invoice_fields(confidence=0.99, total="10000.00"))
    assert is_high_risk(state, INVOICE)
    assert review_reasons(state, TYPES) == [
        ReviewReason(
            code="high_risk",
            message="total_amount reaches the high-risk amount 10000: review is mandatory",
            field="total_amount",
        )
    ]


def test_high_risk_applies_the_stricter_field_threshold() -> None:
    # 0.9 passes the normal bar (0.8) but not the high-risk one (0.95).
    below = invoice_state(fields=clean_invoice_fields(confidence=0.9, total="9999.99"))
    assert not is_high_risk(below, INVOICE)
    assert review_reasons(below, TYPES) == []
    at = invoice_state(fields=clean_invoice_fields(confidence=0.9, total="10000.00"))
    codes = _codes(at)
    assert codes.count("low_confidence_field") == len(clean_invoice_fields())
    assert codes[-1] == "high_risk"


def test_a_negative_total_is_high_risk_by_its_size() -> None:
    state = invoice_state(fields=clean_invoice_fields(confidence=0.99, total="-12000.00"))
    assert is_high_risk(state, INVOICE)


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
    assert RECEIPT.risk_field is None
    assert not is_high_risk(state, RECEIPT)
    assert review_reasons(state, TYPES) == []


def test_a_type_without_a_risk_field_is_never_high_risk_even_with_a_total_amount() -> None:
    values = fields({"order_number": "PO-7", "total_amount": "250000.00"}, confidence=0.9)
    state = make_state(classification=classified("purchase_order"), fields=values)
    assert PURCHASE_ORDER.field("total_amount") is not None
    assert not is_high_risk(state, PURCHASE_ORDER)
    assert not is_high_risk(state, None)
    assert review_reasons(state, DocumentTypes([PURCHASE_ORDER])) == []


def test_the_risk_field_a_type_declares_decides_high_risk() -> None:
    values = {"employee": "J. Doe", "net_pay": "10000.00"}
    state = make_state(classification=classified("payslip"), fields=fields(values, confidence=0.99))
    assert is_high_risk(state, PAYSLIP)
    assert review_reasons(state, PAYSLIPS) == [
        ReviewReason(
            code="high_risk", message="net_pay reaches the high-risk amount 10000: review is mandatory", field="net_pay"
        )
    ]
    # Only the declared risk field counts, not a field that happens to be called total_amount.
    other = fields({"employee": "J. Doe", "net_pay": "9999.99", "total_amount": "50000.00"}, confidence=0.99)
    assert not is_high_risk(state.model_copy(update={"fields": other}), PAYSLIP)


def test_a_field_may_set_its_own_confidence_bar() -> None:
    # The policy's bar is 0.8; employee asks for 0.99, net_pay is content with 0.5.
    state = make_state(
        classification=classified("payslip"),
        fields=fields({"employee": "J. Doe", "net_pay": "2500.00"}, confidence=0.6),
    )
    (reason,) = review_reasons(state, PAYSLIPS)
    assert (reason.code, reason.field) == ("low_confidence_field", "employee")
    assert reason.message == "employee = 'J. Doe' at confidence 0.60, below 0.99"


def test_a_fields_own_bar_does_not_lower_the_high_risk_bar() -> None:
    state = make_state(
        classification=classified("payslip"),
        fields=fields({"employee": "J. Doe", "net_pay": "25000.00"}, confidence=0.9),
    )
    assert [(r.code, r.field) for r in review_reasons(state, PAYSLIPS)] == [
        ("low_confidence_field", "employee"), ("low_confidence_field", "net_pay"), ("high_risk", "net_pay"),
    ]  # fmt: skip
    assert "below 0.95" in review_reasons(state, PAYSLIPS)[1].message


@pytest.mark.parametrize(
    ("auto_accept", "high_risk", "expected"),
    [(None, False, 0.8), (None, True, 0.95), (0.5, False, 0.5), (0.5, True, 0.95), (0.99, False, 0.99),
     (0.99, True, 0.99)],
)  # fmt: skip
def test_field_threshold(auto_accept: float | None, high_risk: bool, expected: float) -> None:
    spec = Field("net_pay", "amount", auto_accept=auto_accept)
    assert field_threshold(spec, Policy(), high_risk=high_risk) == expected
    custom = Policy(field_auto_accept=0.7, high_risk_field_auto_accept=0.9)
    assert field_threshold(Field("x"), custom, high_risk=high_risk) == (0.9 if high_risk else 0.7)


def test_classification_reasons_stop_the_field_checks() -> None:
    values = clean_invoice_fields(confidence=0.1)
    state = make_state(classification=classified("invoice", 0.5), fields=values)
    assert _codes(state) == ["low_confidence_type"]
    assert classification_reasons(state, TYPES) == review_reasons(state, TYPES)


def test_a_policy_threshold_for_the_type_and_field_wins_over_the_fields_own_bar() -> None:
    calibrated = Policy(field_thresholds={"payslip": {"employee": 0.5, "net_pay": "always_review"}})
    state = make_state(
        policy=calibrated,
        classification=classified("payslip"),
        fields=fields({"employee": "J. Doe", "net_pay": "2500.00"}, confidence=0.6),
    )

    (reason,) = review_reasons(state, PAYSLIPS)

    assert (reason.code, reason.field) == ("low_confidence_field", "net_pay")
    assert reason.message == "net_pay = '2500.00' at confidence 0.60, always reviewed by the policy"
    other_type = Policy(field_thresholds={"invoice": {"employee": 0.5}})
    assert field_threshold(Field("employee", auto_accept=0.99), other_type, high_risk=False, doc_type="payslip") == 0.99


@pytest.mark.parametrize("threshold", [1.5, -0.1, "sometimes"])
def test_a_policy_threshold_outside_zero_to_one_is_refused(threshold: object) -> None:
    with pytest.raises(ValueError, match="invoice"):
        Policy.model_validate({"field_thresholds": {"invoice": {"total_amount": threshold}}})


def test_a_table_with_a_refused_row_goes_to_review_once() -> None:

    rows = (
        row_claim("line_items", {"description": "Hammer", "amount": "50.00"}, "Hammer 2 25,00 50,00"),
        row_claim("line_items", {"description": "Screwdriver set", "amount": "58.00"}, "Screwdriver set 1 85,00 85,00"),
    )
    patch = apply_extraction(
        INVOICE, ExtractionClaim(fields=[], rows=list(rows)), INVOICE_SOURCE, step="extract_invoice", attempt=1
    )
    assert [row.cells["description"] for row in (patch.tables or {})["line_items"]] == ["Hammer"]
    state = invoice_state(fields=clean_invoice_fields(), tables=patch.tables, rejected_rows=patch.rejected_rows)

    (reason,) = review_reasons(state, TYPES)
    assert reason.code == "unsupported_evidence" and reason.field == "line_items"
    assert reason.message.startswith("line_items: 1 claimed row(s) refused") and "row 2: amount" in reason.message
    # Once a reviewer has seen the document with that doubt and decided, it is not raised again.
    reviewed = state.model_copy(
        update={
            "review_request": build_review_request(state, TYPES, [reason], None),
            "review_decision": ReviewDecision(reviewer="kim", action="approve"),
        }
    )
    assert review_reasons(reviewed, TYPES) == []
