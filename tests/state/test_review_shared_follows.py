"""A field read off another's line, under a label it shares, follows that field when a reviewer corrects it.

An invoice that prints only its total owes that total: the amount due is read from the total's line. A reviewer who
corrects the total corrects what is due with it, and the record says why. A field the reviewer set, one printed on
its own line, one the document keeps from sharing (`unless_printed`), and a correction that clears a value are
left as they are.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from claimflow import DocumentType
from claimflow.doctypes import INVOICE
from claimflow.runtime.backends import rules
from claimflow.state.apply import apply_extraction, apply_review_decision, build_review_request
from claimflow.state.claims import ExtractionClaim, FieldClaim
from claimflow.state.documents import SourceText
from claimflow.state.errors import InvalidDecisionError
from claimflow.state.evidence import ClaimedEvidence
from claimflow.state.outcomes import ReviewReason
from claimflow.state.review import ReviewDecision
from claimflow.state.schema import DocumentTypes
from claimflow.state.workflow import WorkflowState
from tests.factories import TYPES, classified, make_state, utility_bill

_ONLY_A_TOTAL = SourceText(
    pages=("INVOICE\nInvoice No: 77\nInvoice Date: 05.03.2024\nNet 150.00 EUR\nVAT 30.00 EUR\nTotal 190.00 EUR\n",)
)
_REASON = ReviewReason(code="validation_failed", message="net_plus_tax_equals_total: off by 10.00")


def _paused(
    source: SourceText, claim: ExtractionClaim | None = None, doc_type: DocumentType = INVOICE
) -> WorkflowState:
    claim = claim or rules.extract(doc_type, list(source.pages))
    patch = apply_extraction(doc_type, claim, source, step=f"extract_{doc_type.name}", attempt=1)
    state = make_state(classification=classified(doc_type.name), fields=patch.fields)
    return _reopened(state, source, DocumentTypes([doc_type]) if doc_type is not INVOICE else TYPES)


def _quoting(**quotes: str) -> ExtractionClaim:
    """A model's claim of 190.00 for each field named, quoting what is given for it."""
    return ExtractionClaim(
        fields=[
            FieldClaim(field=name, value="190.00", confidence=0.9, evidence=ClaimedEvidence(quote=quote))
            for name, quote in quotes.items()
        ]
    )


def _reopened(state: WorkflowState, source: SourceText, types: DocumentTypes = TYPES) -> WorkflowState:
    return state.model_copy(update={"review_request": build_review_request(state, types, [_REASON], source)})


def _decide(
    state: WorkflowState, source: SourceText, types: DocumentTypes = TYPES, **edits: list[str]
) -> WorkflowState:
    decision = ReviewDecision(reviewer="judy", action="edit", edits=edits)
    patch = apply_review_decision(state, decision, types, source)
    events = [e.data for e in patch.events if e.type == "claim.accepted"]
    return _reopened(state.model_copy(update={"fields": patch.fields, "events": events}), source, types)


def test_the_amount_due_read_from_the_total_follows_the_reviewers_total() -> None:
    state = _paused(_ONLY_A_TOTAL)
    assert (state.fields["amount_due"].value, state.fields["amount_due"].status) == ("190.00", "accepted")

    decided = _decide(state, _ONLY_A_TOTAL, total_amount=["180.00"])

    due, total = decided.fields["amount_due"], decided.fields["total_amount"]
    assert (due.value, due.status, due.decided_by) == ("180.00", "edited", "reviewer judy, following total_amount")
    assert due.evidence == total.evidence == []  # the page prints no 180.00: the reviewer's word, for both
    assert due.reasons == [
        "follows total_amount, set by reviewer judy (was '190.00'): it was read from total_amount's line, under a"
        " label it shares"
    ]
    followed = next(e for e in decided.events if e["field"] == "amount_due")
    assert (followed["follows"], followed["previous"], followed["value"]) == ("total_amount", "190.00", "180.00")


def test_a_value_that_followed_one_correction_follows_the_next() -> None:
    once = _decide(_paused(_ONLY_A_TOTAL), _ONLY_A_TOTAL, total_amount=["9999.00"])
    assert once.fields["amount_due"].value == "9999.00"
    twice = _decide(once, _ONLY_A_TOTAL, total_amount=["180.00"])
    assert twice.fields["amount_due"].value == "180.00"


def test_a_models_shorter_quote_on_the_totals_line_follows_too() -> None:
    # A model quotes only the figure for what is due: proved again on the page, the total's label still proves it.
    claim = _quoting(total_amount="Total 190.00 EUR", amount_due="190.00 EUR")
    state = _paused(_ONLY_A_TOTAL, claim)
    assert state.fields["amount_due"].evidence[0].quote == "190.00 EUR"
    decided = _decide(state, _ONLY_A_TOTAL, total_amount=["180.00"])
    assert decided.fields["amount_due"].value == "180.00"


def test_the_reviewers_own_value_wins_and_is_not_followed_later() -> None:
    decided = _decide(_paused(_ONLY_A_TOTAL), _ONLY_A_TOTAL, total_amount=["180.00"], amount_due=["180.00"])
    assert decided.fields["amount_due"].decided_by == "reviewer judy"
    later = _decide(decided, _ONLY_A_TOTAL, total_amount=["170.00"])
    assert later.fields["amount_due"].value == "180.00"


def test_correcting_what_is_due_leaves_a_total_printed_under_its_own_label() -> None:
    state = _paused(_ONLY_A_TOTAL)
    decided = _decide(state, _ONLY_A_TOTAL, amount_due=["150.00"])
    assert decided.fields["total_amount"] == state.fields["total_amount"]


def test_a_total_read_only_from_what_is_due_follows_its_correction() -> None:
    # Sharing goes both ways on the invoice: a total printed only as `Balance Due` is read from that line.
    source = SourceText(pages=("INVOICE\nInvoice No: 78\nInvoice Date: 05.03.2024\nBalance Due 190.00 EUR\n",))
    claim = _quoting(amount_due="Balance Due 190.00 EUR", total_amount="Balance Due 190.00 EUR")
    decided = _decide(_paused(source, claim), source, amount_due=["180.00"])
    assert decided.fields["total_amount"].value == "180.00"
    assert decided.fields["total_amount"].decided_by == "reviewer judy, following amount_due"


def test_an_amount_due_printed_on_its_own_line_stays() -> None:
    source = SourceText(pages=(_ONLY_A_TOTAL.pages[0] + "Amount Due 190.00 EUR\n",))
    state = _paused(source)
    assert state.fields["amount_due"].evidence[0].quote == "Amount Due 190.00 EUR"
    decided = _decide(state, source, total_amount=["180.00"])
    assert decided.fields["amount_due"] == state.fields["amount_due"]


def test_where_the_document_keeps_it_from_sharing_nothing_follows() -> None:
    source = SourceText(pages=(_ONLY_A_TOTAL.pages[0] + "Deposit paid 40.00 EUR\n",))
    state = _paused(source)
    assert "amount_due" not in {name for name, result in state.fields.items() if result.value is not None}
    # A reviewer's own amount due, equal to the total at first, is not the total's to carry.
    once = _decide(state, source, total_amount=["150.00"], amount_due=["150.00"])
    twice = _decide(once, source, total_amount=["190.00"])
    assert twice.fields["amount_due"].value == "150.00"


def test_a_cleared_value_leads_nothing() -> None:
    bill = utility_bill()
    types = DocumentTypes([bill])
    source = SourceText(pages=("Utility Bill\nAmount Billed: 84.20\n",))
    state = _paused(source, doc_type=bill)
    assert state.fields["to_pay"].value == "84.20"
    cleared = _decide(state, source, types, billed=[])
    assert cleared.fields["billed"].value is None
    assert cleared.fields["to_pay"] == state.fields["to_pay"]
    corrected = _decide(state, source, types, billed=["80.00"])
    assert corrected.fields["to_pay"].value == "80.00"


def test_a_required_total_cannot_be_cleared_through_what_is_due() -> None:
    state = _paused(_ONLY_A_TOTAL)
    with pytest.raises(InvalidDecisionError, match="total_amount"):
        _decide(state, _ONLY_A_TOTAL, total_amount=[])
    decided = _decide(state, _ONLY_A_TOTAL, amount_due=[])
    assert decided.fields["total_amount"] == state.fields["total_amount"]


def _shown(state: WorkflowState) -> dict[str, list[str]]:
    """What the review request tells the reviewer: each field an edit carries to, and the fields it follows."""
    assert state.review_request is not None
    return {field.name: field.follows for field in state.review_request.fields if field.follows}


def test_the_request_shows_the_reviewer_what_a_correction_carries_to() -> None:
    assert _shown(_paused(_ONLY_A_TOTAL)) == {"amount_due": ["total_amount"]}
    assert _shown(_paused(_PRINTED)) == {}
    # Without the run's text nothing can be proved to follow, and nothing is claimed to.
    state = _paused(_ONLY_A_TOTAL)
    assert build_review_request(state, TYPES, [_REASON], None).fields == [
        field.model_copy(update={"follows": []}) for field in _reopened(state, _ONLY_A_TOTAL).review_request.fields
    ]


_BALANCE_DUE = SourceText(pages=("INVOICE\nInvoice No: 78\nInvoice Date: 05.03.2024\nBalance Due 190.00 EUR\n",))


_DEPOSIT = SourceText(pages=(_ONLY_A_TOTAL.pages[0] + "Deposit paid 40.00 EUR\n",))
_PRINTED = SourceText(pages=(_ONLY_A_TOTAL.pages[0] + "Amount Due 190.00 EUR\n",))
_BILL = SourceText(pages=("Utility Bill\nAmount Billed: 84.20\n",))
Scenario = tuple[WorkflowState, SourceText, DocumentTypes]


def _declared_type() -> Scenario:
    bill = utility_bill()
    return _paused(_BILL, doc_type=bill), _BILL, DocumentTypes([bill])


_SCENARIOS: dict[str, Callable[[], Scenario]] = {
    "only a total": lambda: (_paused(_ONLY_A_TOTAL), _ONLY_A_TOTAL, TYPES),
    "followed once": lambda: (
        _decide(_paused(_ONLY_A_TOTAL), _ONLY_A_TOTAL, total_amount=["9999.00"]),
        _ONLY_A_TOTAL,
        TYPES,
    ),
    "set by the reviewer": lambda: (
        _decide(_paused(_ONLY_A_TOTAL), _ONLY_A_TOTAL, total_amount=["180.00"], amount_due=["180.00"]),
        _ONLY_A_TOTAL,
        TYPES,
    ),
    "printed on its own line": lambda: (_paused(_PRINTED), _PRINTED, TYPES),
    "a deposit printed": lambda: (_paused(_DEPOSIT), _DEPOSIT, TYPES),
    "shared both ways": lambda: (
        _paused(_BALANCE_DUE, _quoting(amount_due="Balance Due 190.00 EUR", total_amount="Balance Due 190.00 EUR")),
        _BALANCE_DUE,
        TYPES,
    ),
    "a declared type": _declared_type,
}
"""Paused runs of every kind the follow tests meet, each with its text and types (made when a test asks)."""


@pytest.mark.parametrize("scenario", list(_SCENARIOS))
def test_what_the_request_shows_is_what_a_correction_does(scenario: str) -> None:
    state, source, types = _SCENARIOS[scenario]()
    shown = _shown(state)
    doc_type = types.get(state.doc_type or "")
    tried = 0
    for spec in doc_type.value_fields:
        for leader in spec.shares_labels_of:
            if state.fields.get(leader) is None or state.fields[leader].value is None:
                continue
            decided = _decide(state, source, types, **{leader: ["123.45"]})
            carried = decided.fields[spec.name].value == "123.45"
            assert carried == (leader in shown.get(spec.name, [])), (spec.name, leader, shown)
            tried += 1
    assert tried
