"""route_after_validate, route_after_review and route_after_parse."""

from __future__ import annotations

import pytest

from claimflow.routing import route_after_parse, route_after_review, route_after_validate
from claimflow.state.documents import TextRef
from claimflow.state.outcomes import RuleResult
from claimflow.state.review import ReviewDecision
from claimflow.state.schema import DocumentTypes
from tests.factories import (
    PURCHASE_ORDER,
    TYPES,
    classified,
    clean_invoice_fields,
    field_result,
    fields,
    invoice_state,
    make_state,
)

TEXT = TextRef(text_id="t1", page_count=2, char_count=300, method="text-layer")


def test_clean_state_is_finalized() -> None:
    route = route_after_validate(invoice_state(fields=clean_invoice_fields()), TYPES)
    assert (route.target, route.rule) == ("finalize", "all_checks_passed")


def test_any_reason_goes_to_review_named_by_the_first() -> None:
    values = clean_invoice_fields()
    values["currency"] = field_result("currency", "EUR", confidence=0.5)
    failed = RuleResult(rule="net_plus_tax_equals_total", passed=False, message="off by 1.00")
    route = route_after_validate(invoice_state(fields=values, rule_results=[failed, failed]), TYPES)
    # A broken rule is named first: it is what the reviewer must resolve.
    assert (route.target, route.rule) == ("prepare_review", "validation_failed")
    assert route.detail == "3 reason(s): validation_failed, low_confidence_field"


def test_high_risk_invoice_goes_to_review() -> None:
    route = route_after_validate(invoice_state(fields=clean_invoice_fields(confidence=0.99, total="25000.00")), TYPES)
    assert (route.target, route.rule) == ("prepare_review", "high_risk")


def test_a_user_type_without_a_risk_field_is_finalized_whatever_its_amount() -> None:
    orders = DocumentTypes([PURCHASE_ORDER])
    values = fields({"order_number": "PO-7", "total_amount": "250000.00"}, confidence=0.99)
    route = route_after_validate(make_state(classification=classified("purchase_order"), fields=values), orders)
    assert (route.target, route.rule) == ("finalize", "all_checks_passed")


def test_a_user_types_rejected_required_field_goes_to_review() -> None:
    orders = DocumentTypes([PURCHASE_ORDER])
    values = {"order_number": field_result("order_number", None, status="rejected", reasons=["quote not found"])}
    route = route_after_validate(make_state(classification=classified("purchase_order"), fields=values), orders)
    assert (route.target, route.rule) == ("prepare_review", "unsupported_evidence")


def test_review_router_needs_a_decision() -> None:
    with pytest.raises(RuntimeError, match="without a review decision"):
        route_after_review(make_state())


def test_reviewer_rejects() -> None:
    decision = ReviewDecision(reviewer="alice", action="reject", reason="not ours")
    route = route_after_review(make_state(review_decision=decision))
    assert (route.target, route.rule, route.detail) == ("reject", "reviewer_rejected", "not ours")


def test_reviewer_approves() -> None:
    route = route_after_review(make_state(review_decision=ReviewDecision(reviewer="alice", action="approve")))
    assert (route.target, route.rule, route.detail) == ("finalize", "reviewer_approved", "alice")


@pytest.mark.parametrize("doc_type", ["invoice", "receipt", "contract", "purchase_order"])
def test_reviewer_edits_are_validated_again(doc_type: str) -> None:
    decision = ReviewDecision(reviewer="alice", action="edit", edits={"total_amount": ["1.00"], "currency": ["EUR"]})
    state = make_state(classification=classified(doc_type), review_decision=decision)
    route = route_after_review(state)
    assert (route.target, route.rule, route.detail) == (
        f"validate_{doc_type}",
        "reviewer_edited",
        "total_amount, currency",
    )


def test_a_field_edit_without_a_document_type_is_a_wiring_error() -> None:
    decision = ReviewDecision(reviewer="alice", action="edit", edits={"total_amount": ["1.00"]})
    with pytest.raises(RuntimeError, match="without a document type"):
        route_after_review(make_state(classification=classified("unknown"), review_decision=decision))


@pytest.mark.parametrize("doc_type", ["invoice", "receipt", "contract", "purchase_order"])
def test_reviewer_sets_the_type_and_extraction_runs_for_it(doc_type: str) -> None:
    decision = ReviewDecision.model_validate({"reviewer": "alice", "action": "edit", "doc_type": doc_type})
    route = route_after_review(make_state(classification=classified("unknown"), review_decision=decision))
    assert (route.target, route.rule) == (f"extract_{doc_type}", "reviewer_set_type")


def test_readable_document_goes_to_masking() -> None:
    route = route_after_parse(make_state(text=TEXT))
    assert (route.target, route.rule) == ("mask", "text_extracted")
    assert route.detail == "2 page(s) via text-layer"


def test_parse_error_fails_the_run() -> None:
    route = route_after_parse(make_state(text=TEXT, error="PDF is encrypted"))
    assert (route.target, route.rule, route.detail) == ("fail", "document_unreadable", "PDF is encrypted")


def test_no_text_fails_the_run() -> None:
    route = route_after_parse(make_state())
    assert (route.target, route.rule, route.detail) == ("fail", "document_unreadable", "no text")
