"""An amount written negative as accounting writes it, `(612.40)`, or with its sign before its currency,
`-£612.40`, `(£612.40)`, or a space away from it in its own column, `- £612.40`, read by the label-driven extractor.

Every document here is synthetic, written for these tests.
"""

from __future__ import annotations

import pytest

from claimflow.runtime.backends.rules._generic import generic_extract
from tests.runtime.backends._statement import STATEMENT, statement_rows

WIDE = (
    "Bank Statement\n"
    "Date          Description                              Amount\n"
    "04/03/2024    Card payment BRAKES FOODSERVICE          (612.40)\n"
    "07/03/2024    Transfer from SQUARE PAYMENTS              100.00\n"
)
"""Each column under its heading: read by position."""

SINGLE_SPACED = (
    "Bank Statement\n"
    "Date Description Amount\n"
    "04/03/2024 Card payment BRAKES FOODSERVICE (612.40)\n"
    "07/03/2024 Transfer from SQUARE PAYMENTS 100.00\n"
)
"""Printed with single spaces: read by kind, where the parenthesis must not end up in the description."""


@pytest.mark.parametrize("text", [WIDE, SINGLE_SPACED], ids=["wide", "single-spaced"])
def test_a_cell_in_parentheses_is_a_negative_amount_and_the_table_reads(text: str) -> None:
    assert statement_rows([text]) == [
        {"date": "2024-03-04", "description": "Card payment BRAKES FOODSERVICE", "amount": "-612.40"},
        {"date": "2024-03-07", "description": "Transfer from SQUARE PAYMENTS", "amount": "100.00"},
    ]


def test_a_field_in_parentheses_is_claimed_negative() -> None:
    claim = generic_extract(["Bank Statement\nClosing Balance:   (1,250.00)\n"], STATEMENT)
    assert [(c.field, c.value) for c in claim.fields] == [("closing_balance", "-1250.00")]


ROW = "04/03/2024{gap}Card payment BRAKES FOODSERVICE{wide}{amount}\n"
LAYOUTS = {
    "wide": ("Date          Description                              Amount\n", "    ", "          "),
    "single-spaced": ("Date Description Amount\n", " ", " "),
    "tabbed": ("Date\tDescription\tAmount\n", "\t", "\t"),
}
"""Each layout's header line, the gap after the date, and the gap before the amount."""


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("amount", ["-£612.40", "(£612.40)", "-$612.40", "\u2212€612.40"])
def test_a_cell_with_its_sign_before_the_currency_is_a_negative_amount_and_the_table_reads(
    amount: str, layout: str
) -> None:
    """The minus or bracket before the currency is the amount's: a cell starts there, and no text cell takes it."""
    header, gap, wide = LAYOUTS[layout]
    text = "Bank Statement\n" + header + ROW.format(gap=gap, wide=wide, amount=amount)
    assert statement_rows([text]) == [
        {"date": "2024-03-04", "description": "Card payment BRAKES FOODSERVICE", "amount": "-612.40"},
    ]


@pytest.mark.parametrize("written", ["-£1,250.00", "(£1,250.00)", "-EUR 1,250.00"])
def test_a_field_with_its_sign_before_the_currency_is_claimed_negative(written: str) -> None:
    claim = generic_extract([f"Bank Statement\nClosing Balance:   {written}\n"], STATEMENT)
    assert [(c.field, c.value, c.evidence.quote) for c in claim.fields] == [
        ("closing_balance", "-1250.00", f"Closing Balance:   {written}")
    ]


@pytest.mark.parametrize("layout", ["wide", "tabbed"])
@pytest.mark.parametrize("amount", ["- £612.40", "- 612.40", "\u2212 $612.40"])
def test_a_cell_with_its_sign_a_space_before_the_amount_is_a_negative_amount(amount: str, layout: str) -> None:
    """In its own column the minus has no label before it: it is the amount's sign, and no text cell takes it."""
    header, gap, wide = LAYOUTS[layout]
    text = "Bank Statement\n" + header + ROW.format(gap=gap, wide=wide, amount=amount)
    assert statement_rows([text]) == [
        {"date": "2024-03-04", "description": "Card payment BRAKES FOODSERVICE", "amount": "-612.40"},
    ]


@pytest.mark.parametrize(
    ("written", "value"),
    [
        (":   - £1,250.00", "-1250.00"),
        (": - 1,250.00", "-1250.00"),
        ("   - £1,250.00", "-1250.00"),
        (" - £1,250.00", "1250.00"),  # after the label and one space the dash separates them
    ],
)
def test_a_field_with_its_sign_a_space_before_the_amount_is_claimed_negative_unless_it_follows_the_label(
    written: str, value: str
) -> None:
    claim = generic_extract([f"Bank Statement\nClosing Balance{written}\n"], STATEMENT)
    assert [(c.field, c.value, c.evidence.quote) for c in claim.fields] == [
        ("closing_balance", value, f"Closing Balance{written}")
    ]
