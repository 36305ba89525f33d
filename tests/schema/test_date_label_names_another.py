"""A date label names the date right after it: a later date on its line does not become that field's by it.

`Invoice Date: 01.03.2024, payable until 15.03.2024` writes no label right before 15.03.2024, so nothing governs it
and it would pass as an unlabelled date, for the issue date too. The issue date's own label names 01.03.2024: a
claim of 15.03.2024 as the issue date is refused, naming the label and the date it names. The due date, which no
label on the line names, still takes 15.03.2024; amounts and fields of several dates are left as they were.
"""

from __future__ import annotations

from claimflow import DocumentType, Field
from claimflow.doctypes import INVOICE
from claimflow.state.apply import check_field_claim
from claimflow.state.claims import FieldClaim
from claimflow.state.documents import SourceText
from claimflow.state.evidence import ClaimedEvidence

TERMS = "Invoice Date: 01.03.2024, payable until 15.03.2024"
COUNTED = "Total (2 items): 24.00"
SOURCE = SourceText(pages=(f"Northwind Traders GmbH\nInvoice No.: NW-7\n{TERMS}\n{COUNTED}\n",))


def judge(doc_type: DocumentType, source: SourceText, field: str, value: str, quote: str):  # type: ignore[no-untyped-def]
    claim = FieldClaim(field=field, value=value, confidence=0.9, evidence=ClaimedEvidence(quote=quote, page=1))
    return check_field_claim(doc_type, claim, source, step=f"extract_{doc_type.name}", claim_id="c1")


def test_a_later_date_is_not_the_one_the_fields_own_label_names() -> None:
    outcome = judge(INVOICE, SOURCE, "issue_date", "2024-03-15", TERMS)

    assert not outcome.accepted
    assert (outcome.check, outcome.label) == ("label_names_another", "Invoice Date")
    assert "'01.03.2024'" in outcome.reasons[0]


def test_the_date_the_label_names_and_the_unlabelled_one_for_another_field_still_pass() -> None:
    named = judge(INVOICE, SOURCE, "issue_date", "2024-03-01", TERMS)
    due = judge(INVOICE, SOURCE, "due_date", "2024-03-15", TERMS)

    assert (named.accepted, named.check) == (True, "own_label")
    assert (due.accepted, due.check) == (True, "no_label")


def test_an_amount_after_a_count_under_its_label_is_left_as_it_was() -> None:
    # `2` between `Total` and the amount reads as an amount too, but it is a count: only dates are looked at.
    outcome = judge(INVOICE, SOURCE, "total_amount", "24.00", COUNTED)

    assert outcome.accepted


def test_each_date_of_a_field_of_several_dates_is_its_own() -> None:
    shipment = DocumentType(
        name="shipment",
        description="A delivery note with its delivery dates.",
        fields=[Field("delivery_dates", "date", multiple=True, labels=("Delivery dates",))],
    )
    line = "Delivery dates: 01.03.2024, 05.03.2024"

    outcome = judge(shipment, SourceText(pages=(line + "\n",)), "delivery_dates", "2024-03-05", line)

    assert outcome.accepted
