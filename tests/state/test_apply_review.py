"""Review: the request a reviewer sees, which decisions are valid, and how a decision changes state."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from claimflow.state.apply import apply_review_decision, build_review_request, decision_errors
from claimflow.state.errors import InvalidDecisionError
from claimflow.state.evidence import ClaimedEvidence
from claimflow.state.normalize import with_article
from claimflow.state.outcomes import ReviewReason
from claimflow.state.review import ReviewDecision
from claimflow.state.schema import DocumentTypes
from claimflow.state.workflow import StepErrors, WorkflowState
from tests.factories import (
    CONTRACT_SOURCE,
    INVOICE_SOURCE,
    PURCHASE_ORDER,
    TYPES,
    classified,
    clean_invoice_fields,
    field_result,
    invoice_state,
    make_state,
)

_REASON = ReviewReason(code="low_confidence_field", message="total_amount at 0.50", field="total_amount")


def _paused(state: WorkflowState, types: DocumentTypes = TYPES) -> WorkflowState:
    return state.model_copy(update={"review_request": build_review_request(state, types, [_REASON], None)})


def _invoice() -> WorkflowState:
    fields = clean_invoice_fields()
    del fields["due_date"]
    return _paused(make_state(classification=classified("invoice"), fields=fields, attempts={"classify": 1}))


def _errors(state: WorkflowState, decision: ReviewDecision) -> list[str]:
    assert state.review_request is not None
    return decision_errors(state.review_request, decision, TYPES)


def _edit(**edits: list[str]) -> ReviewDecision:
    return ReviewDecision(reviewer="alice", action="edit", edits=edits)


def _cited(field: str, value: str, quote: str) -> ReviewDecision:
    return ReviewDecision(
        reviewer="alice", action="edit", edits={field: [value]}, evidence={field: ClaimedEvidence(quote=quote)}
    )


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
    assert "line_items" not in request.editable_fields  # rows are not edited field by field
    assert request.doc_types == ["invoice", "receipt", "contract"]


def test_request_of_a_user_type_shows_its_fields_and_the_active_types() -> None:
    types = DocumentTypes([PURCHASE_ORDER, *TYPES])
    state = make_state(
        classification=classified("purchase_order"), fields={"order_number": field_result("order_number", "4711")}
    )
    request = build_review_request(state, types, [], None)
    assert request.doc_type == "purchase_order"
    assert request.editable_fields == ["order_number", "order_date", "total_amount"]
    assert [(f.name, f.status) for f in request.fields] == [
        ("order_number", "accepted"), ("order_date", "missing"), ("total_amount", "missing"),
    ]  # fmt: skip
    assert request.doc_types == ["purchase_order", "invoice", "receipt", "contract"]
    assert decision_errors(request, _edit(vendor_name=["ACME"]), types) == [
        "unknown field 'vendor_name'; editable fields: order_number, order_date, total_amount"
    ]


def test_a_document_type_that_is_not_active_cannot_be_set() -> None:
    decision = ReviewDecision(reviewer="alice", action="edit", doc_type="purchase_order")
    assert _errors(_invoice(), decision) == ["document type 'purchase_order' is not one of invoice, receipt, contract"]


def test_request_for_an_unknown_type_has_no_editable_fields() -> None:
    request = build_review_request(make_state(classification=classified("unknown", 0.3)), TYPES, [], None)
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
    patch = apply_review_decision(state, decision, TYPES, INVOICE_SOURCE)
    assert patch.review_decision == decision
    fields = patch.fields or {}
    assert {n: (f.value, f.status) for n, f in fields.items()} == {
        n: (f.value, f.status) for n, f in state.fields.items()
    }
    assert all(f.decided_by.endswith("approved by reviewer alice") for f in fields.values())
    assert patch.outcome is None
    assert [e.type for e in patch.events or []] == ["review.decided"]


# An approval goes straight to the record: no rule runs after it. A run paused before its fields were extracted
# (its budget spent by classify, invalid output exhausted) would complete with every required field empty.
def test_approving_a_run_whose_required_fields_have_no_value_is_refused_naming_them() -> None:
    never_extracted = _paused(invoice_state(attempts={"classify": 1}))
    decision = ReviewDecision(reviewer="ana", action="approve")

    (error,) = _errors(never_extracted, decision)

    assert error.startswith("required field(s) without a value: vendor_name, invoice_number, issue_date, total_amount;")
    assert "set them with an edit (`--set FIELD=VALUE`) or reject the run (`--reject`)" in error
    with pytest.raises(InvalidDecisionError, match="invoice_number, issue_date, total_amount"):
        apply_review_decision(never_extracted, decision, TYPES, INVOICE_SOURCE)


def test_a_rejected_required_field_counts_as_without_a_value_for_an_approval() -> None:
    fields = clean_invoice_fields()
    fields["total_amount"] = field_result("total_amount", "999.00", status="rejected", reasons=["quote not found"])
    state = _paused(invoice_state(fields=fields))

    (error,) = _errors(state, ReviewDecision(reviewer="ana", action="approve"))

    assert error.startswith("required field(s) without a value: total_amount;"), error
    # An edit that sets them, or a rejection, is still taken.
    assert _errors(state, _edit(total_amount=["160.65"])) == []
    assert _errors(state, ReviewDecision(reviewer="ana", action="reject", reason="not ours")) == []


def test_approving_a_run_of_unknown_type_is_refused() -> None:
    state = _paused(make_state(classification=classified("invoice", 0.4, accepted=False)))

    (error,) = _errors(state, ReviewDecision(reviewer="ana", action="approve"))

    assert error.startswith("the document type is unknown; approving would complete the run with no type"), error
    assert "set doc_type (one of invoice, receipt, contract)" in error


def test_edit_with_a_value_printed_in_the_source_finds_its_evidence() -> None:
    state = _invoice()
    patch = apply_review_decision(state, _edit(total_amount=["160.65"]), TYPES, INVOICE_SOURCE)
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
    patch = apply_review_decision(_invoice(), _edit(due_date=["11.04.2024"]), TYPES, INVOICE_SOURCE)
    due = (patch.fields or {})["due_date"]
    assert due.value == "2024-04-11"
    assert [e.quote for e in due.evidence] == ["11 April 2024"]


def test_edit_with_a_value_not_in_the_source_has_no_evidence_and_says_so() -> None:
    patch = apply_review_decision(_invoice(), _edit(total_amount=["170.65"]), TYPES, INVOICE_SOURCE)
    total = (patch.fields or {})["total_amount"]
    assert total.status == "edited"
    assert total.value == "170.65"
    assert total.evidence == []
    assert total.reasons == ["set by reviewer alice (was '160.65'); not found in the source: reviewer's word"]


def test_an_edit_of_a_field_that_had_no_value_says_so_in_words() -> None:
    state = _invoice()
    assert "buyer_name" not in state.fields
    patch = apply_review_decision(state, _edit(buyer_name=["Cedar Ridge Ltd"]), TYPES, INVOICE_SOURCE)
    buyer = (patch.fields or {})["buyer_name"]
    assert buyer.reasons == ["set by reviewer alice (had no value); not found in the source: reviewer's word"]


def test_edit_printed_only_under_another_fields_label_is_not_proved_there() -> None:
    # 12.03.2024 is printed, but as the invoice date: it is no evidence for a due date.
    patch = apply_review_decision(_invoice(), _edit(due_date=["2024-03-12"]), TYPES, INVOICE_SOURCE)
    due = (patch.fields or {})["due_date"]
    assert (due.status, due.value) == ("edited", "2024-03-12")
    assert due.evidence == []
    assert "not found in the source: reviewer's word" in due.reasons[0]


def test_edit_with_cited_evidence_that_proves_it_keeps_that_evidence() -> None:
    state = _invoice()
    assert state.review_request is not None
    decision = _cited("total_amount", "160.65", "Total 160,65 €")
    assert decision_errors(state.review_request, decision, TYPES, INVOICE_SOURCE) == []
    total = (apply_review_decision(state, decision, TYPES, INVOICE_SOURCE).fields or {})["total_amount"]
    assert [(e.page, e.quote) for e in total.evidence] == [(2, "Total 160,65 €")]
    assert total.reasons[0].endswith("evidence cited by the reviewer, page 2")


def test_edit_with_cited_evidence_under_another_fields_label_is_refused() -> None:
    state = _invoice()
    assert state.review_request is not None
    decision = _cited("total_amount", "135.00", "Net amount: 135,00 EUR")
    expected = (
        "total_amount: cited evidence does not prove it: "
        "'135.00' stands under 'Net amount', the label of net_amount, not of total_amount"
    )
    assert decision_errors(state.review_request, decision, TYPES, INVOICE_SOURCE) == [expected]
    assert decision_errors(state.review_request, decision, TYPES) == []  # without the source, quotes are not checked
    with pytest.raises(InvalidDecisionError, match="cited evidence does not prove it"):
        apply_review_decision(state, decision, TYPES, INVOICE_SOURCE)


def test_edit_with_a_cited_quote_that_is_not_in_the_source_is_refused() -> None:
    state = _invoice()
    assert state.review_request is not None
    decision = _cited("total_amount", "170.65", "Total 170,65 €")
    (error,) = decision_errors(state.review_request, decision, TYPES, INVOICE_SOURCE)
    assert error.startswith("total_amount: cited evidence rejected: quote 'Total 170,65 €' is not in the document")
    with pytest.raises(InvalidDecisionError, match="cited evidence rejected"):
        apply_review_decision(state, decision, TYPES, INVOICE_SOURCE)


def test_evidence_may_only_be_cited_for_edited_fields() -> None:
    with pytest.raises(ValidationError, match="evidence is cited for field\\(s\\) not edited: currency"):
        ReviewDecision(
            reviewer="alice", action="edit", edits={"total_amount": ["160.65"]},
            evidence={"currency": ClaimedEvidence(quote="EUR")},
        )  # fmt: skip


def test_edit_of_an_unknown_field_is_refused() -> None:
    state = _invoice()
    errors = _errors(state, _edit(parties=["ACME"]))
    assert len(errors) == 1
    assert "unknown field 'parties'" in errors[0]
    with pytest.raises(InvalidDecisionError, match="unknown field"):
        apply_review_decision(state, _edit(parties=["ACME"]), TYPES, INVOICE_SOURCE)


def test_many_unknown_fields_are_refused_in_one_bounded_line() -> None:
    state = _invoice()
    assert state.review_request is not None
    editable = ", ".join(state.review_request.editable_fields)
    errors = _errors(state, _edit(**{f"f{number}": ["1"] for number in range(100)}))
    # Each unknown field once, the first ten by name; the editable fields once, not once per unknown field.
    assert errors == [
        "unknown fields " + ", ".join(f"'f{number}'" for number in range(10)) + " and 90 more; editable fields: "
        + editable
    ]  # fmt: skip


def test_a_refusal_quotes_long_unreadable_values_cut() -> None:
    errors = _errors(_invoice(), _edit(total_amount=["x" * 2000]))
    assert errors == [
        f"total_amount: value {'x' * 80!r}... (2,000 characters) cannot be read as an amount; give one such as '12.50'"
    ]
    many = _errors(_invoice(), _edit(issue_date=[f"day {n}" for n in range(12)]))
    assert many[-1] == (
        "issue_date: values "
        + ", ".join(f"'day {n}'" for n in range(10))
        + " and 2 more cannot be read as a date; give one such as '2024-03-14'"
    )


@pytest.mark.parametrize(
    ("decision", "message"),
    [
        pytest.param({"action": "reject", "reason": "r" * 5001}, "reason\n  String should have at most", id="reason"),
        pytest.param({"action": "approve", "comment": "c" * 5001}, "comment\n  String should", id="comment"),
        pytest.param({"action": "edit", "edits": {"total_amount": ["1" * 2001]}}, "at most 2000 char", id="value"),
        pytest.param({"action": "edit", "edits": {"parties": ["X"] * 101}}, "at most 100 items", id="values"),
        pytest.param({"action": "edit", "edits": {f"f{n}": ["1"] for n in range(101)}}, "at most 100", id="fields"),
        pytest.param({"action": "edit", "edits": {"f" * 201: ["1"]}}, "at most 200 characters", id="name"),
        pytest.param({"action": "approve", "reviewer": "r" * 201}, "at most 200 characters", id="reviewer"),
    ],
)  # fmt: skip
def test_a_decision_over_its_caps_is_refused_before_it_reaches_a_run(decision: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        ReviewDecision.model_validate({"reviewer": "alice", **decision})


def test_a_decision_at_its_caps_is_well_formed() -> None:
    ReviewDecision(reviewer="r" * 200, action="reject", reason="r" * 5000, comment="c" * 5000)
    ReviewDecision(reviewer="alice", action="edit", edits={f"f{n}": ["1" * 2000] * 100 for n in range(100)})


def test_one_value_may_be_given_as_a_bare_string_and_is_checked_as_one() -> None:
    # A JSON client writes `"total_amount": "170.65"` as readily as `["170.65"]`: both are the one value.
    decision = ReviewDecision.model_validate(
        {"reviewer": "alice", "action": "edit", "edits": {"total_amount": "170.65", "due_date": ["11.04.2024"]}}
    )
    assert decision.edits == {"total_amount": ["170.65"], "due_date": ["11.04.2024"]}
    patch = apply_review_decision(_invoice(), decision, TYPES, INVOICE_SOURCE)
    assert (patch.fields or {})["total_amount"].value == "170.65"
    with pytest.raises(ValidationError, match="valid list"):  # a number is no text a reviewer typed
        ReviewDecision.model_validate({"reviewer": "alice", "action": "edit", "edits": {"total_amount": 170.65}})


@pytest.mark.parametrize(
    ("field", "value", "kind", "form"),
    [
        ("total_amount", "a lot", "amount", "'12.50'"),
        ("issue_date", "2023-13-45", "date", "'2024-03-14'"),
        ("issue_date", "12/03/2024", "date", "'2024-03-14'"),  # day or month first: the form that is read either way
        ("currency", "$", "currency", "'EUR'"),
    ],
)
def test_unparseable_value_is_refused_showing_a_form_that_is_read(field: str, value: str, kind: str, form: str) -> None:
    errors = _errors(_invoice(), _edit(**{field: [value]}))
    assert errors == [f"{field}: value {value!r} cannot be read as {with_article(kind)}; give one such as {form}"]


@pytest.mark.parametrize(
    ("value", "grouped", "decimals"),
    [
        ("120.000", "120000.00", "120.00"),
        ("1,496", "1496.00", "1.4960"),  # an amount has one, two or four decimals: 1.496 as four
        ("-1.500", "-1500.00", "-1.50"),
    ],
)
def test_an_amount_typed_with_one_separator_before_three_digits_is_refused_as_reading_two_ways(
    value: str, grouped: str, decimals: str
) -> None:
    # Read as a page's figure, `120.000` was 120000.00: a reviewer who meant 120.00 set a thousand times as much.
    errors = _errors(_invoice(), _edit(total_amount=[value]))
    assert errors == [
        f"total_amount: value {value!r} reads two ways, its separator before three digits grouping thousands or"
        f" marking decimals: write it with no grouping and a dot for decimals, {grouped!r} or {decimals!r}"
    ]
    # Each of the readings offered is taken as it is written.
    for reading in (grouped, decimals):
        assert _errors(_invoice(), _edit(total_amount=[reading])) == []


@pytest.mark.parametrize("value", ["120000.00", "1,234.56", "1.234.567,00", "1 500", "2.5000", "180"])
def test_an_amount_whose_writing_says_which_mark_is_which_is_taken(value: str) -> None:
    assert _errors(_invoice(), _edit(total_amount=[value])) == []


def test_two_values_for_a_single_field_are_refused() -> None:
    errors = _errors(_invoice(), _edit(total_amount=["160.65", "135.00"]))
    assert errors == ["total_amount takes one value, got 2"]


def test_clearing_a_required_field_is_refused() -> None:
    errors = _errors(_invoice(), _edit(total_amount=[]))
    assert errors == ["total_amount is required: it cannot be cleared; give it a value, or reject the run"]


def test_clearing_an_optional_field_is_an_edit_to_no_value() -> None:
    assert _errors(_invoice(), _edit(due_date=[])) == []
    cited = ReviewDecision(
        reviewer="alice", action="edit", edits={"due_date": []}, evidence={"due_date": ClaimedEvidence(quote="x")}
    )
    assert _errors(_invoice(), cited) == [
        "due_date: evidence is cited for a field being cleared: cite none, or give a value"
    ]


def test_several_values_for_parties_are_accepted() -> None:
    state = _paused(
        make_state(classification=classified("contract"), fields={"parties": field_result("parties", ["X"])})
    )
    decision = _edit(parties=["Northwind Traders Ltd.", "Blue Harbor Consulting LLC"])
    assert _errors(state, decision) == []
    parties = (apply_review_decision(state, decision, TYPES, CONTRACT_SOURCE).fields or {})["parties"]
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
    patch = apply_review_decision(_invoice(), decision, TYPES, INVOICE_SOURCE)
    assert patch.outcome == "rejected"
    assert patch.error == "rejected in review by alice: not our vendor"
    assert patch.fields is None


def test_setting_the_doc_type_resets_fields_and_extraction_state() -> None:
    state = _invoice().model_copy(update={"step_errors": {"extract_invoice": StepErrors(attempt=1, errors=["x"])}})
    decision = ReviewDecision(reviewer="alice", action="edit", doc_type="receipt")
    patch = apply_review_decision(state, decision, TYPES, INVOICE_SOURCE)
    assert patch.classification is not None
    assert (patch.classification.doc_type, patch.classification.accepted) == ("receipt", True)
    assert patch.classification.confidence == 1.0
    assert patch.fields == {}
    assert patch.tables == {}
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
        apply_review_decision(state, _edit(total_amount=["160.65"]), TYPES, INVOICE_SOURCE)


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
    assert decision_errors(limited, decision, TYPES) == ["action 'reject' is not allowed; allowed: approve, edit"]


def test_decision_for_a_run_that_is_not_paused_is_refused() -> None:
    with pytest.raises(InvalidDecisionError, match="not waiting for review"):
        apply_review_decision(
            make_state(classification=classified("invoice")),
            ReviewDecision(reviewer="a", action="approve"),
            TYPES,
            INVOICE_SOURCE,
        )


@pytest.mark.parametrize(
    "decision",
    [
        {"reviewer": "kim", "action": "approve", "comment": "fine\x00"},
        {"reviewer": "k\x1bim", "action": "approve"},
        {"reviewer": "kim", "action": "reject", "reason": "not ours\x07"},
        {"reviewer": "kim", "action": "edit", "edits": {"vendor_name": ["Acme\x00Ltd"]}},
        {"reviewer": "kim", "action": "edit", "edits": {"vendor\x00": ["Acme Ltd"]}},
        {"reviewer": "kim", "action": "edit", "doc_type": "invoice\x00"},
        {
            "reviewer": "kim",
            "action": "edit",
            "edits": {"vendor_name": ["Acme Ltd"]},
            "evidence": {"vendor_name": {"quote": "Acme\x00Ltd"}},
        },
    ],
)
def test_a_decision_with_a_control_character_is_refused_before_it_reaches_a_run(decision: dict[str, Any]) -> None:
    with pytest.raises(ValidationError, match="control character U\\+00"):
        ReviewDecision.model_validate(decision)


def test_line_breaks_and_tabs_in_a_decisions_text_are_kept() -> None:
    decision = ReviewDecision(reviewer="kim", action="reject", reason="not ours:\r\n\tsent to the wrong office")
    assert decision.reason == "not ours:\r\n\tsent to the wrong office"


@pytest.mark.parametrize("reviewer", ["   ", "\u00a0", " \u3000 "])
def test_a_decision_by_a_blank_reviewer_is_refused(reviewer: str) -> None:
    with pytest.raises(ValidationError, match="is blank: name who decides"):
        ReviewDecision.model_validate({"reviewer": reviewer, "action": "approve"})


def test_white_space_around_a_reviewers_name_is_dropped() -> None:
    assert ReviewDecision(reviewer="  kim ", action="approve").reviewer == "kim"


def test_an_amount_of_more_digits_than_an_amount_has_is_refused_saying_why() -> None:
    huge = "123456789012345678901234567"
    errors = _errors(_invoice(), _edit(total_amount=[huge]))
    assert errors == [
        f"total_amount: value {huge!r} cannot be read as an amount: an amount has at most 18 whole digits"
    ]
