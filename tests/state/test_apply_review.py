"""Review: the request a reviewer sees, which decisions are valid, and how a decision changes state."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from claimflow.state.apply import apply_review_decision, build_review_request, decision_errors
from claimflow.state.errors import InvalidDecisionError
from claimflow.state.normalize import with_article
from claimflow.state.outcomes import ReviewReason
from claimflow.state.review import ReviewDecision
from claimflow.state.workflow import StepErrors, WorkflowState
from tests.factories import CONTRACT, INVOICE, classified, clean_invoice_fields, field_result, make_state

_REASON = ReviewReason(code="low_confidence_field", message="total_amount at 0.50", field="total_amount")


def _paused(state: WorkflowState) -> WorkflowState:
    return state.model_copy(update={"review_request": build_review_request(state, [_REASON])})


def _invoice() -> WorkflowState:
    fields = clean_invoice_fields()
    del fields["due_date"]
    return _paused(make_state(classification=classified("invoice"), fields=fields, attempts={"classify": 1}))


def _errors(state: WorkflowState, decision: ReviewDecision) -> list[str]:
    assert state.review_request is not None
    return decision_errors(state.review_request, decision)


def _edit(**edits: list[str]) -> ReviewDecision:
    return ReviewDecision(reviewer="alice", action="edit", edits=edits)


def test_request_shows_every_field_of_the_type_with_its_status() -> None:
    request = _invoice().review_request
    assert request is not None
    assert request.doc_type == "invoice"
    assert request.reasons == [_REASON]
    assert [f.name for f in request.fields] == request.editable_fields
    assert "total_amount" in request.editable_fields
    by_name = {f.name: f for f in request.fields}
    assert by_name["total_amount"].value == "160.65"
    assert by_name["total_amount"].kind == "amount"
    assert by_name["total_amount"].required
    assert by_name["due_date"].status == "missing"
    assert by_name["due_date"].value is None
    assert request.doc_types == ["invoice", "receipt", "contract"]


def test_request_for_an_unknown_type_has_no_editable_fields() -> None:
    request = build_review_request(make_state(classification=classified("unknown", 0.3)), [])
    assert request.doc_type == "unknown"
    assert request.fields == []
    assert request.editable_fields == []


def test_request_for_a_rejected_classification_says_the_type_is_unknown() -> None:
    # The claimed type's quotes were not found: no type is accepted, so no field can be edited,
    # and the reviewer must be told to set the type (not shown "invoice" with no editable fields).
    state = _paused(make_state(classification=classified("invoice", 0.9, accepted=False)))
    assert state.review_request is not None
    assert state.review_request.editable_fields == []
    assert state.review_request.doc_type == "unknown"
    (error,) = _errors(state, _edit(total_amount=["160.65"]))
    assert "set doc_type first" in error


def test_approve_keeps_the_values_and_records_the_approval() -> None:
    state = _invoice()
    decision = ReviewDecision(reviewer="alice", action="approve")
    assert _errors(state, decision) == []
    patch = apply_review_decision(state, decision, INVOICE)
    assert patch.review_decision == decision
    fields = patch.fields or {}
    assert {n: (f.value, f.status) for n, f in fields.items()} == {
        n: (f.value, f.status) for n, f in state.fields.items()
    }
    assert all(f.decided_by.endswith("approved by reviewer alice") for f in fields.values())
    assert patch.outcome is None
    assert [e.type for e in patch.events or []] == ["review.decided"]


def test_edit_with_a_value_printed_in_the_source_finds_its_evidence() -> None:
    state = _invoice()
    patch = apply_review_decision(state, _edit(total_amount=["160.65"]), INVOICE)
    total = (patch.fields or {})["total_amount"]
    assert total.status == "edited"
    assert total.value == "160.65"
    assert total.confidence == 1.0
    assert total.decided_by == "reviewer alice"
    assert [(e.page, e.quote) for e in total.evidence] == [(2, "160,65")]
    assert "evidence found on page 2" in total.reasons[0]
    assert (patch.fields or {})["vendor_name"] == state.fields["vendor_name"]
    assert [e.type for e in patch.events or []] == ["review.decided", "claim.accepted"]


def test_edit_is_normalised_and_located_in_its_printed_form() -> None:
    patch = apply_review_decision(_invoice(), _edit(due_date=["11.04.2024"]), INVOICE)
    due = (patch.fields or {})["due_date"]
    assert due.value == "2024-04-11"
    assert [e.quote for e in due.evidence] == ["11 April 2024"]


def test_edit_with_a_value_not_in_the_source_has_no_evidence_and_says_so() -> None:
    patch = apply_review_decision(_invoice(), _edit(total_amount=["170.65"]), INVOICE)
    total = (patch.fields or {})["total_amount"]
    assert total.status == "edited"
    assert total.value == "170.65"
    assert total.evidence == []
    assert "value not found in the source" in total.reasons[0]
    assert "was '160.65'" in total.reasons[0]


def test_edit_of_an_unknown_field_is_refused() -> None:
    state = _invoice()
    errors = _errors(state, _edit(parties=["ACME"]))
    assert len(errors) == 1
    assert "unknown field 'parties'" in errors[0]
    with pytest.raises(InvalidDecisionError, match="unknown field"):
        apply_review_decision(state, _edit(parties=["ACME"]), INVOICE)


@pytest.mark.parametrize(
    ("field", "value", "kind"),
    [("total_amount", "a lot", "amount"), ("issue_date", "2023-13-45", "date"), ("currency", "$", "currency")],
)
def test_unparseable_value_is_refused(field: str, value: str, kind: str) -> None:
    errors = _errors(_invoice(), _edit(**{field: [value]}))
    assert errors == [f"{field}: value {value!r} cannot be read as {with_article(kind)}"]


def test_two_values_for_a_single_field_are_refused() -> None:
    errors = _errors(_invoice(), _edit(total_amount=["160.65", "135.00"]))
    assert errors == ["total_amount takes one value, got 2"]


def test_empty_value_list_is_refused() -> None:
    errors = _errors(_invoice(), _edit(total_amount=[]))
    assert errors == ["total_amount: no value given"]


def test_several_values_for_parties_are_accepted() -> None:
    state = _paused(
        make_state(classification=classified("contract"), fields={"parties": field_result("parties", ["X"])})
    )
    decision = _edit(parties=["Northwind Traders Ltd.", "Blue Harbor Consulting LLC"])
    assert _errors(state, decision) == []
    parties = (apply_review_decision(state, decision, CONTRACT).fields or {})["parties"]
    assert parties.value == ["Northwind Traders Ltd.", "Blue Harbor Consulting LLC"]
    assert len(parties.evidence) == 2


def test_reject_without_a_reason_is_refused_by_the_model() -> None:
    with pytest.raises(ValidationError, match="a rejection needs a reason"):
        ReviewDecision(reviewer="alice", action="reject")
    with pytest.raises(ValidationError, match="a rejection needs a reason"):
        ReviewDecision(reviewer="alice", action="reject", reason="   ")


def test_decision_payload_must_match_its_action() -> None:
    with pytest.raises(ValidationError, match="an edit needs"):
        ReviewDecision(reviewer="alice", action="edit")
    with pytest.raises(ValidationError, match="approve takes no edits"):
        ReviewDecision(reviewer="alice", action="approve", edits={"total_amount": ["1.00"]})
    with pytest.raises(ValidationError):
        ReviewDecision(reviewer="", action="approve")
    with pytest.raises(ValidationError):
        ReviewDecision.model_validate({"reviewer": "alice", "action": "approve", "note": "extra key"})


def test_reject_ends_the_run_with_the_reason() -> None:
    decision = ReviewDecision(reviewer="alice", action="reject", reason="not our vendor")
    patch = apply_review_decision(_invoice(), decision, INVOICE)
    assert patch.outcome == "rejected"
    assert patch.error == "rejected in review by alice: not our vendor"
    assert patch.fields is None


def test_setting_the_doc_type_resets_fields_and_extraction_state() -> None:
    state = _invoice().model_copy(update={"step_errors": {"extract_invoice": StepErrors(attempt=1, errors=["x"])}})
    decision = ReviewDecision(reviewer="alice", action="edit", doc_type="receipt")
    patch = apply_review_decision(state, decision, INVOICE)
    assert patch.classification is not None
    assert (patch.classification.doc_type, patch.classification.accepted) == ("receipt", True)
    assert patch.classification.confidence == 1.0
    assert patch.fields == {}
    assert patch.line_items == []
    assert patch.attempts == {}
    assert patch.step_errors == {}
    assert patch.rule_results == []
    assert make_state(**patch.as_update()).doc_type == "receipt"


def test_doc_type_and_field_edits_together_are_refused() -> None:
    decision = ReviewDecision(reviewer="a", action="edit", doc_type="receipt", edits={"total_amount": ["1.00"]})
    errors = _errors(_invoice(), decision)
    assert len(errors) == 1
    assert "set the document type alone" in errors[0]


def test_field_edits_while_the_type_is_unknown_are_refused() -> None:
    state = _paused(make_state(classification=classified("unknown", 0.3)))
    errors = _errors(state, _edit(total_amount=["160.65"]))
    assert len(errors) == 1
    assert "the document type is unknown: set doc_type first" in errors[0]
    with pytest.raises(InvalidDecisionError):
        apply_review_decision(state, _edit(total_amount=["160.65"]), INVOICE)


def test_setting_the_doc_type_while_it_is_unknown_is_accepted() -> None:
    state = _paused(make_state(classification=classified("unknown", 0.3)))
    decision = ReviewDecision(reviewer="alice", action="edit", doc_type="invoice")
    assert _errors(state, decision) == []


def test_action_outside_the_allowed_ones_is_refused() -> None:
    state = _invoice()
    request = state.review_request
    assert request is not None
    limited = request.model_copy(update={"allowed_actions": ["approve", "edit"]})
    decision = ReviewDecision(reviewer="alice", action="reject", reason="spam")
    assert decision_errors(limited, decision) == ["action 'reject' is not allowed; allowed: approve, edit"]


def test_decision_for_a_run_that_is_not_paused_is_refused() -> None:
    with pytest.raises(InvalidDecisionError, match="not waiting for review"):
        apply_review_decision(
            make_state(classification=classified("invoice")), ReviewDecision(reviewer="a", action="approve"), INVOICE
        )
