"""A field read off another's line, under a label it shares, follows that field when a reviewer corrects it.

An invoice that prints only its total owes that total: the amount due is read from the total's line. A reviewer who
corrects the total corrects what is due with it, and the record says why; a field the reviewer set, or one the
document prints on its own line, is left as it is.
"""

from __future__ import annotations

from claimflow.doctypes import INVOICE
from claimflow.runtime.backends import rules
from claimflow.state.apply import apply_extraction, apply_review_decision, build_review_request
from claimflow.state.documents import SourceText
from claimflow.state.outcomes import ReviewReason
from claimflow.state.review import ReviewDecision
from claimflow.state.workflow import WorkflowState
from tests.factories import TYPES, classified, make_state

_ONLY_A_TOTAL = SourceText(
    pages=("INVOICE\nInvoice No: 77\nInvoice Date: 05.03.2024\nNet 150.00 EUR\nVAT 30.00 EUR\nTotal 190.00 EUR\n",)
)
_REASON = ReviewReason(code="validation_failed", message="net_plus_tax_equals_total: off by 10.00")


def _paused(source: SourceText) -> WorkflowState:
    claim = rules.extract(INVOICE, list(source.pages))
    patch = apply_extraction(INVOICE, claim, source, step="extract_invoice", attempt=1)
    state = make_state(classification=classified("invoice"), fields=patch.fields)
    return state.model_copy(update={"review_request": build_review_request(state, TYPES, [_REASON])})


def _decide(state: WorkflowState, source: SourceText, **edits: list[str]) -> WorkflowState:
    decision = ReviewDecision(reviewer="judy", action="edit", edits=edits)
    patch = apply_review_decision(state, decision, TYPES, source)
    events = [e.data for e in patch.events if e.type == "claim.accepted"]
    state = state.model_copy(update={"fields": patch.fields, "events": events})
    return state.model_copy(update={"review_request": build_review_request(state, TYPES, [_REASON])})


def test_the_amount_due_read_from_the_total_follows_the_reviewers_total() -> None:
    state = _paused(_ONLY_A_TOTAL)
    assert (state.fields["amount_due"].value, state.fields["amount_due"].status) == ("190.00", "accepted")

    decided = _decide(state, _ONLY_A_TOTAL, total_amount=["180.00"])

    due, total = decided.fields["amount_due"], decided.fields["total_amount"]
    assert (due.value, due.status, due.decided_by) == ("180.00", "edited", "reviewer judy")
    assert due.evidence == total.evidence
    assert due.reasons == [
        "follows total_amount, set by reviewer judy (was '190.00'): it was read from total_amount's line, under a"
        " label it shares"
    ]
    followed = next(e for e in decided.events if e["field"] == "amount_due")
    assert (followed["follows"], followed["previous"], followed["value"]) == ("total_amount", "190.00", "180.00")


def test_a_value_that_followed_one_edit_follows_the_next() -> None:
    once = _decide(_paused(_ONLY_A_TOTAL), _ONLY_A_TOTAL, total_amount=["9999.00"])
    assert once.fields["amount_due"].value == "9999.00"  # the reviewer's word: no place proves it
    twice = _decide(once, _ONLY_A_TOTAL, total_amount=["180.00"])
    assert twice.fields["amount_due"].value == "180.00"


def test_the_reviewers_own_value_wins() -> None:
    decided = _decide(_paused(_ONLY_A_TOTAL), _ONLY_A_TOTAL, total_amount=["180.00"], amount_due=["100.00"])
    assert decided.fields["amount_due"].value == "100.00"
    assert decided.fields["amount_due"].reasons[0].startswith("set by reviewer judy")


def test_an_amount_due_printed_on_its_own_line_stays() -> None:
    source = SourceText(pages=(_ONLY_A_TOTAL.pages[0] + "Amount Due 190.00 EUR\n",))
    state = _paused(source)
    assert state.fields["amount_due"].evidence[0].quote == "Amount Due 190.00 EUR"
    decided = _decide(state, source, total_amount=["180.00"])
    assert (decided.fields["amount_due"].value, decided.fields["amount_due"].status) == ("190.00", "accepted")


def test_a_field_that_shares_no_label_of_the_edited_one_stays() -> None:
    state = _paused(_ONLY_A_TOTAL)
    decided = _decide(state, _ONLY_A_TOTAL, net_amount=["160.00"])
    assert decided.fields["amount_due"] == state.fields["amount_due"]
    assert decided.fields["total_amount"] == state.fields["total_amount"]
