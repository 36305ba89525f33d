"""A table printed with single spaces whose text column stands between figures: a bank statement's lines.

A PDF printed from a browser keeps one space between a table's cells, so `Date Description Amount` rows are
read by kind. Every document here is synthetic, written for these tests.
"""

from __future__ import annotations

from claimflow import Column, DocumentType, Field
from tests.runtime.backends._statement import statement_rows

PRINTED = (
    "Bank Statement\n"
    "Date Description Amount\n"
    "03/06/2024 Card payment BRAKES FOODSERVICE -702.35\n"
    "10/06/2024 Transfer from SQUARE PAYMENTS 2,440.10\n"
    "24/06/2024 Direct debit BRITISH GAS -190.02\n"
    "Closing Balance: 7,607.27\n"
)


def test_a_date_before_the_description_is_read_from_the_left_and_the_amount_from_the_right() -> None:
    assert statement_rows([PRINTED]) == [
        {"date": "2024-06-03", "description": "Card payment BRAKES FOODSERVICE", "amount": "-702.35"},
        {"date": "2024-06-10", "description": "Transfer from SQUARE PAYMENTS", "amount": "2440.10"},
        {"date": "2024-06-24", "description": "Direct debit BRITISH GAS", "amount": "-190.02"},
    ]


def test_a_german_statement_printed_with_single_spaces_reads_alike() -> None:
    text = (
        "Kontoauszug\n"
        "Buchungstag Verwendungszweck Betrag\n"
        "01.03.2024 Miete März Gewerbering 7 -2.350,00\n"
        "05.03.2024 Gutschrift Kartenumsätze 8.914,35\n"
        "Neuer Kontostand: 6.564,35\n"
    )
    assert statement_rows([text]) == [
        {"date": "2024-03-01", "description": "Miete März Gewerbering 7", "amount": "-2350.00"},
        {"date": "2024-03-05", "description": "Gutschrift Kartenumsätze", "amount": "8914.35"},
    ]


def test_a_line_that_does_not_start_with_its_date_breaks_the_table() -> None:
    """A row whose leading figure is not there cannot be placed: no row is claimed rather than a wrong one."""
    broken = PRINTED.replace("10/06/2024 Transfer", "Transfer")
    assert statement_rows([broken]) == []


def test_two_text_columns_printed_with_single_spaces_are_still_not_read() -> None:
    two_texts = DocumentType(
        name="bank_statement",
        description="A bank's statement of one account.",
        titles=("Bank Statement",),
        fields=[
            Field("transactions", "table", columns=[
                Column("date", "date", required=True, labels=("Date",)),
                Column("payee", "text", labels=("Payee",)),
                Column("description", "text", labels=("Description",)),
                Column("amount", "amount", required=True, labels=("Amount",)),
            ]),
        ],
    )  # fmt: skip
    text = "Bank Statement\nDate Payee Description Amount\n03/06/2024 BRAKES Card payment -702.35\n"
    assert statement_rows([text], two_texts) == []
