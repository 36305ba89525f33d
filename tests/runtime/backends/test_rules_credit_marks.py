"""The label-driven extractor reads `CR` and `DR` as the type declares: a bank statement's money in and out.

Under `credit_marks="statement"` a row's `612.40 DR` is -612.40 and `100.00 CR` is 100.00; under the default
(accounting's reading, as invoices print them) `100.00 CR` is -100.00 and `DR` is no sign. Brackets and a minus
are negative under both. Every document here is synthetic, written for these tests.
"""

from __future__ import annotations

import pytest

from claimflow.runtime.backends.rules._generic import generic_extract
from claimflow.state.schema import DocumentType
from tests.runtime.backends._statement import CREDIT_STATEMENT, STATEMENT, statement_rows

WIDE = (
    "Bank Statement\n"
    "Date          Description                              Amount\n"
    "04/03/2024    Card payment BRAKES FOODSERVICE          612.40 DR\n"
    "07/03/2024    Transfer from SQUARE PAYMENTS            100.00 CR\n"
    "11/03/2024    Direct debit BRITISH GAS                 (45.10)\n"
)
"""Each column under its heading: read by position."""

SINGLE_SPACED = (
    "Bank Statement\n"
    "Date Description Amount\n"
    "04/03/2024 Card payment BRAKES FOODSERVICE 612.40 DR\n"
    "07/03/2024 Transfer from SQUARE PAYMENTS 100.00 CR\n"
    "11/03/2024 Direct debit BRITISH GAS (45.10)\n"
)
"""Printed with single spaces: read by kind from both ends; the mark must not end up in the description."""

TABBED = (
    "Bank Statement\n"
    "Date\tDescription\tAmount\n"
    "04/03/2024\tCard payment BRAKES FOODSERVICE\t612.40 DR\n"
    "07/03/2024\tTransfer from SQUARE PAYMENTS\t100.00 CR\n"
    "11/03/2024\tDirect debit BRITISH GAS\t(45.10)\n"
)
"""An HTML table's rows: read cell by heading."""

DESCRIPTIONS = ["Card payment BRAKES FOODSERVICE", "Transfer from SQUARE PAYMENTS", "Direct debit BRITISH GAS"]


@pytest.mark.parametrize("text", [WIDE, SINGLE_SPACED, TABBED], ids=["wide", "single-spaced", "tabbed"])
@pytest.mark.parametrize(
    ("doc_type", "amounts"),
    [(CREDIT_STATEMENT, ["-612.40", "100.00", "-45.10"]), (STATEMENT, ["612.40", "-100.00", "-45.10"])],
    ids=["statement", "accounting"],
)
def test_a_rows_cr_and_dr_read_as_the_type_declares(doc_type: DocumentType, amounts: list[str], text: str) -> None:
    rows = statement_rows([text], doc_type)
    assert [row["amount"] for row in rows] == amounts
    assert [row["description"] for row in rows] == DESCRIPTIONS
    assert [row["date"] for row in rows] == ["2024-03-04", "2024-03-07", "2024-03-11"]


@pytest.mark.parametrize(
    ("doc_type", "written", "value"),
    [
        (CREDIT_STATEMENT, "1,250.00 CR", "1250.00"),
        (CREDIT_STATEMENT, "1,250.00 DR", "-1250.00"),
        (STATEMENT, "1,250.00 CR", "-1250.00"),
        (STATEMENT, "1,250.00 DR", "1250.00"),
    ],
    ids=["statement-cr", "statement-dr", "accounting-cr", "accounting-dr"],
)
def test_a_fields_cr_and_dr_read_as_the_type_declares(doc_type: DocumentType, written: str, value: str) -> None:
    claim = generic_extract([f"Bank Statement\nClosing Balance:   {written}\n"], doc_type)
    assert [(c.field, c.value) for c in claim.fields] == [("closing_balance", value)]


def test_on_a_statement_the_quote_holds_the_mark_that_says_money_in() -> None:
    """The quote shows why the amount is positive, as a negative's shows its closing mark."""
    claim = generic_extract(["Bank Statement\nClosing Balance:   1,250.00 CR\n"], CREDIT_STATEMENT)
    assert [c.evidence.quote for c in claim.fields] == ["Closing Balance:   1,250.00 CR"]
