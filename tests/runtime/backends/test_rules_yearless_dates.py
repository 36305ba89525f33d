"""The label-driven extractor reads a statement's dates printed without their year, with the document's year.

Booking lines print `12 Mar`, `12.03.` or `03/12`; the header prints the year (`Statement period 1 March 2024 to 31
March 2024`, `Kontoauszug 03/2024`, `Statement date: 03/31/2024`). A table's date column and a labelled date field
take that year; where the document gives none, or two equally, the date is not read. Every document here is synthetic.
"""

from __future__ import annotations

import pytest

from claimflow import DocumentType, Field
from claimflow.runtime.backends.rules._generic import generic_extract
from tests.runtime.backends._statement import statement_rows

ENGLISH = (
    "Bank Statement\n"
    "Statement period 1 March 2024 to 31 March 2024\n"
    "\n"
    "Date      Description                        Amount\n"
    "12 Mar    Card payment TESCO                 23.40\n"
    "15 Mar    Transfer from SQUARE PAYMENTS      100.00\n"
)
GERMAN = (
    "Kontoauszug 03/2024\n"
    "\n"
    "Buchungstag Verwendungszweck Betrag\n"
    "12.03. Lastschrift STADTWERKE -23,40\n"
    "15.03. Gutschrift MUELLER 100,00\n"
)
MONTH_FIRST = (
    "Bank Statement\n"
    "Statement date: 03/31/2024\n"
    "\n"
    "Date\tDescription\tAmount\n"
    "03/12\tAMAZON MKTP\t23.40\n"
    "03/15\tPAYROLL\t100.00\n"
)
TURN_OF_YEAR = (
    "Bank Statement\n"
    "Statement period 15 Dec 2023 to 14 Jan 2024\n"
    "\n"
    "Date      Description                        Amount\n"
    "20 Dec    Card payment TESCO                 23.40\n"
    "05 Jan    Transfer from SQUARE PAYMENTS      100.00\n"
)


@pytest.mark.parametrize(
    ("text", "dates"),
    [
        (ENGLISH, ["2024-03-12", "2024-03-15"]),
        (GERMAN, ["2024-03-12", "2024-03-15"]),
        (MONTH_FIRST, ["2024-03-12", "2024-03-15"]),
        (TURN_OF_YEAR, ["2023-12-20", "2024-01-05"]),
    ],
    ids=["month-name", "german-dots", "month-first-slash", "turn-of-year"],
)
def test_a_statements_rows_are_read_with_the_documents_year(text: str, dates: list[str]) -> None:
    rows = statement_rows([text])
    assert [row["date"] for row in rows] == dates
    assert len({row["description"] for row in rows}) == 2


def test_a_slash_reads_as_the_documents_numeric_dates_do() -> None:
    """Day-first (`31/03/2024`), `03/12` is 3 December; `03/15` reads one way only, as `03/15/2024` would."""
    rows = statement_rows([MONTH_FIRST.replace("03/31/2024", "31/03/2024")])
    assert [row["date"] for row in rows] == ["2024-12-03", "2024-03-15"]


@pytest.mark.parametrize(
    "header",
    ["Statement of your account", "Account opened 01.01.2023, statement date 31.12.2024"],
    ids=["no-year", "two-years"],
)
def test_without_one_year_from_the_document_no_row_is_claimed(header: str) -> None:
    assert statement_rows([ENGLISH.replace("Statement period 1 March 2024 to 31 March 2024", header)]) == []


def test_the_year_on_the_first_page_dates_the_rows_on_the_second() -> None:
    first, rest = ENGLISH.split("\n\n")
    assert [row["date"] for row in statement_rows([first + "\n", rest])] == ["2024-03-12", "2024-03-15"]


CARD = DocumentType(
    name="card_statement",
    description="A card's monthly statement.",
    titles=("Card Statement",),
    fields=[Field("payment_due", "date", labels=("Payment Due",))],
)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Card Statement\nStatement date: 31 March 2024\nPayment Due:  25 Apr\n", "2024-04-25"),
        ("Card Statement\nStatement date: 31.03.2024\nPayment Due:  25.04.\n", "2024-04-25"),
        ("Card Statement\nStatement date: 31/03/2024\nPayment Due:  25/04\n", "2024-04-25"),
    ],
    ids=["month-name", "german-dots", "slash-under-its-label"],
)
def test_a_labelled_date_is_read_with_the_documents_year(text: str, value: str) -> None:
    claim = generic_extract([text], CARD)
    assert [(c.field, c.value) for c in claim.fields] == [("payment_due", value)]
    assert claim.fields[0].confidence >= 0.8


def test_a_labelled_date_without_a_year_in_the_document_is_not_read() -> None:
    assert generic_extract(["Card Statement\nPayment Due:  25 Apr\n"], CARD).fields == []
