"""Dates printed without their year (`12 Mar`, `12.03.`, `03/12`): read, and proved, with the year the document gives.

A statement prints its lines' dates without a year and the year only in its header. The year is the one among those
the document's full dates print that puts the day within their span, or nearest to it; two that fit equally, or no
full date at all, give no reading. Every document here is synthetic.
"""

from __future__ import annotations

import pytest

from claimflow import Column, DocumentType, Field
from claimflow.state.apply import check_field_claim, check_row_claim
from claimflow.state.claims import FieldClaim, RowClaim
from claimflow.state.documents import SourceText
from claimflow.state.evidence import ClaimedEvidence
from claimflow.state.normalize import check_value, find_amounts
from claimflow.state.normalize.partial_dates import document_dates, find_partial_dates

MARCH = "Statement period 1 March 2024 to 31 March 2024"
TURN = "Statement period 15 Dec 2023 to 14 Jan 2024"
TWO_YEARS = "Account opened 01.01.2023\nStatement date: 31.12.2024"


@pytest.mark.parametrize(
    ("header", "printed", "slashed", "read"),
    [
        (MARCH, "12 Mar", False, ("2024-03-12",)),
        (MARCH, "12 March", False, ("2024-03-12",)),
        (MARCH, "Mar 12", False, ("2024-03-12",)),
        (MARCH, "12-Mar", False, ("2024-03-12",)),
        (MARCH, "12th of March", False, ("2024-03-12",)),
        ("Kontoauszug 03/2024", "12.03.", False, ("2024-03-12",)),
        ("Kontoauszug 03/2024", "12. März", False, ("2024-03-12",)),
        # A slash reads both ways, as in `03/12/2024` (the offline extractor takes the document's order).
        ("Statement date: 31/03/2024", "12/03", True, ("2024-03-12", "2024-12-03")),
        ("Statement date: 31/03/2024", "25/03", True, ("2024-03-25",)),
        (TURN, "20 Dec", False, ("2023-12-20",)),
        (TURN, "5 Jan", False, ("2024-01-05",)),
        (TURN, "17 Jan", False, ("2024-01-17",)),  # past the span: the nearer year
        (TWO_YEARS, "12 Mar", False, ()),  # 2023-03-12 and 2024-03-12 both within: no one date
        ("Statement of your account", "12 Mar", False, ()),  # no full date gives a year
        ("Statement date: 31.03.2023", "29 Feb", False, ()),  # 2023 has no 29 February
        ("Statement date: 31.03.2024", "29 Feb", False, ("2024-02-29",)),
    ],
)
def test_a_partial_date_reads_with_the_documents_year(
    header: str, printed: str, slashed: bool, read: tuple[str, ...]
) -> None:
    line = f"{printed}  Card payment TESCO  23.40"
    [partial] = find_partial_dates(line, slashed=slashed)
    assert line[partial.start : partial.end] == printed
    dates = document_dates([f"Bank Statement\n{header}\n", line])
    assert (dates.read(partial) if dates is not None else ()) == read


def test_the_year_comes_from_every_page() -> None:
    dates = document_dates(["Bank Statement\nStatement date: 31.03.2024\n", "12 Mar  Card payment  23.40\n"])
    assert dates is not None and dates.years == (2024,)


@pytest.mark.parametrize(
    "text",
    [
        "12.03.2024 Lastschrift",  # a full date, not `12.03.` and a number
        "Total 3.12",  # an amount
        "Qty 1.5",
        "Opens at 12.30",
        "Version 1.2.3",
        "1/2 of the fee",  # a fraction, where no date is expected
        "a ratio of 12/03",
        "12 Mar 2024",  # a full date
        "112 Mar",
    ],
)
def test_what_is_no_partial_date(text: str) -> None:
    assert find_partial_dates(text) == []


def test_a_slash_reads_as_a_date_only_where_one_is_expected() -> None:
    assert find_partial_dates("1/2 of the fee") == []
    assert [p.readings for p in find_partial_dates("1/2 of the fee", slashed=True)] == [((2, 1), (1, 2))]
    assert find_partial_dates("12/03/2024", slashed=True) == []


def test_amounts_are_read_as_before() -> None:
    """A partial date is never an amount's business: `3.12` and `12.03.` are money as they were."""
    assert [str(m.value) for m in find_amounts("Total 3.12")] == ["3.12"]
    assert check_value("amount", "3.12", "Total 3.12").ok
    assert not check_value("date", "2024-12-03", "Total 3.12").ok


CARD = DocumentType(
    name="card_statement",
    description="A card's monthly statement.",
    titles=("Card Statement",),
    fields=[
        Field("statement_date", "date", labels=("Statement Date",)),
        Field("payment_due", "date", labels=("Payment Due",)),
        Field("transactions", "table", columns=[
            Column("date", "date", required=True, labels=("Date",)),
            Column("description", "text", labels=("Description",)),
            Column("amount", "amount", required=True, labels=("Amount",)),
        ]),
    ],
)  # fmt: skip

PAGE = (
    "Card Statement\n"
    "Statement Date: 31/03/2024\n"
    "Payment Due: 25 Apr\n"
    "Minimum: 1/2 of the balance, by 25/04\n"
    "Date     Description              Amount\n"
    "12 Mar   Card payment TESCO       23.40\n"
)
TURN_PAGE = "Card Statement\nStatement Date: 14.01.2024\nPeriod from 15.12.2023\nPayment Due: 05.02.\n"


@pytest.mark.parametrize(
    ("pages", "field", "value", "quote", "accepted", "check", "reason"),
    [
        ((PAGE,), "payment_due", "2024-04-25", "Payment Due: 25 Apr", True, "own_label", "under 'Payment Due'"),
        ((PAGE,), "payment_due", "2023-04-25", "Payment Due: 25 Apr", False, "value_not_in_quote",
         "'25 Apr' prints no year; the document gives it 2024 (its one date 2024-03-31), not 2023"),
        ((PAGE,), "statement_date", "2024-04-25", "Payment Due: 25 Apr", False, "wrong_label", "payment_due"),
        ((PAGE,), "payment_due", "2024-04-25", "by 25/04", False, "value_not_in_quote", "as often a fraction"),
        ((PAGE,), "payment_due", "2024-02-01", "1/2 of the balance", False, "value_not_in_quote", "fraction"),
        ((PAGE,), "statement_date", "2024-03-31", "Statement Date: 31/03/2024", True, "own_label", "Statement Date"),
        ((TURN_PAGE,), "payment_due", "2024-02-05", "Payment Due: 05.02.", True, "own_label", "Payment Due"),
        ((TURN_PAGE,), "payment_due", "2023-02-05", "Payment Due: 05.02.", False, "value_not_in_quote", "it 2024"),
        (("Card Statement\nPayment Due: 25 Apr\n",), "payment_due", "2024-04-25", "Payment Due: 25 Apr", False,
         "value_not_in_quote", "the document prints no full date"),
        (("Card Statement\nOpened 01.01.2023\nStatement Date: 31.12.2024\nPayment Due: 25 Apr\n",), "payment_due",
         "2024-04-25", "Payment Due: 25 Apr", False, "value_not_in_quote", "fit it equally"),
    ],
)  # fmt: skip
def test_a_claim_quoting_a_partial_date_is_proved_by_the_documents_year(
    pages: tuple[str, ...], field: str, value: str, quote: str, accepted: bool, check: str, reason: str
) -> None:
    claim = FieldClaim(field=field, value=value, confidence=0.9, evidence=ClaimedEvidence(quote=quote))
    outcome = check_field_claim(CARD, claim, SourceText(pages=pages), step="extract", claim_id="c1")
    assert (outcome.accepted, outcome.check) == (accepted, check), outcome.reasons
    assert reason in " ".join(outcome.reasons)


def test_a_slash_under_the_fields_own_label_proves_it() -> None:
    source = SourceText(pages=("Card Statement\nStatement Date: 31/03/2024\nPayment Due: 25/04\n",))
    claim = FieldClaim(field="payment_due", value="2024-04-25", confidence=0.9,
                       evidence=ClaimedEvidence(quote="Payment Due: 25/04"))  # fmt: skip
    outcome = check_field_claim(CARD, claim, source, step="extract", claim_id="c1")
    assert (outcome.accepted, outcome.check) == (True, "own_label"), outcome.reasons


@pytest.mark.parametrize(
    ("date", "accepted"), [("2024-03-12", True), ("2023-03-12", False), ("2024-12-03", False)]
)  # fmt: skip
def test_a_rows_date_cell_takes_the_year_of_the_whole_document(date: str, accepted: bool) -> None:
    """The row is looked for on its page only (as the offline extractor asks); the year stands on another."""
    row = "12.03.   Lastschrift STADTWERKE   -23,40"
    pages = ("Kontoauszug\nAuszugsdatum 31.03.2024\n", f"Date  Description  Amount\n{row}\n")
    cells = {"date": date, "description": "Lastschrift STADTWERKE", "amount": "-23.40"}
    claim = RowClaim(table="transactions", cells=cells, evidence=ClaimedEvidence(quote=row, page=2))
    only_its_page = SourceText(pages=("", pages[1]))
    outcome, _ = check_row_claim(CARD, claim, only_its_page, step="r", claim_id="r", whole=SourceText(pages=pages))
    assert outcome.accepted is accepted, outcome.reasons
    whole, _ = check_row_claim(CARD, claim, SourceText(pages=pages), step="r", claim_id="r")
    assert whole.accepted is accepted, whole.reasons
