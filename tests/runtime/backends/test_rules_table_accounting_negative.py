"""An amount written negative as accounting writes it, `(612.40)`, read by the label-driven extractor.

Every document here is synthetic, written for these tests.
"""

from __future__ import annotations

from claimflow import Column, DocumentType, Field
from claimflow.runtime.backends.rules._generic import generic_extract

STATEMENT = DocumentType(
    name="bank_statement",
    description="A bank's statement of one account: balances and booked lines.",
    titles=("Bank Statement",),
    fields=[
        Field("closing_balance", "amount", labels=("Closing Balance",)),
        Field("transactions", "table", columns=[
            Column("date", "date", required=True, labels=("Date",)),
            Column("description", "text", labels=("Description",)),
            Column("amount", "amount", required=True, labels=("Amount",)),
        ]),
    ],
)  # fmt: skip


def _rows(text: str) -> list[dict[str, str]]:
    return [dict(row.cells) for row in generic_extract([text], STATEMENT).rows]


def test_a_cell_in_parentheses_is_a_negative_amount_and_the_table_reads() -> None:
    text = (
        "Bank Statement\n"
        "Date          Description                              Amount\n"
        "04/03/2024    Card payment BRAKES FOODSERVICE          (612.40)\n"
        "07/03/2024    Transfer from SQUARE PAYMENTS              100.00\n"
    )
    assert _rows(text) == [
        {"date": "2024-03-04", "description": "Card payment BRAKES FOODSERVICE", "amount": "-612.40"},
        {"date": "2024-03-07", "description": "Transfer from SQUARE PAYMENTS", "amount": "100.00"},
    ]


def test_printed_with_single_spaces_the_parenthesis_is_no_part_of_the_description() -> None:
    text = (
        "Bank Statement\n"
        "Date Description Amount\n"
        "04/03/2024 Card payment BRAKES FOODSERVICE (612.40)\n"
        "07/03/2024 Transfer from SQUARE PAYMENTS 100.00\n"
    )
    assert _rows(text) == [
        {"date": "2024-03-04", "description": "Card payment BRAKES FOODSERVICE", "amount": "-612.40"},
        {"date": "2024-03-07", "description": "Transfer from SQUARE PAYMENTS", "amount": "100.00"},
    ]


def test_a_field_in_parentheses_is_claimed_negative() -> None:
    claim = generic_extract(["Bank Statement\nClosing Balance:   (1,250.00)\n"], STATEMENT)
    assert [(c.field, c.value) for c in claim.fields] == [("closing_balance", "-1250.00")]
