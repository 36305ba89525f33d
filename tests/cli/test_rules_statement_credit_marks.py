"""A bank statement declared with `credit_marks="statement"`, run offline through `claimflow run --types`.

Its lines print money in as `CR` and money out as `DR` (and one as `-£45.10`): the rules backend claims each row
with the sign the type declares, apply's evidence check accepts it, and the type's own rule, that the lines take
the opening balance to the closing one, passes. Declared without `credit_marks`, the same type reads the marks as
accounting does, as on an invoice (`CR` negative, `DR` no sign): the lines then do not add up and the run waits
for review. The statement is synthetic.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration._docs import json_lines, run_cli, write

TYPES = """
from decimal import Decimal

from claimflow import Column, DocumentType, Field, RuleInput, RuleResult, rule


@rule("lines_reach_the_closing_balance", fields=["opening_balance", "closing_balance", "transactions"])
def lines_reach_the_closing_balance(doc: RuleInput) -> RuleResult | None:
    opening, closing = doc.amount("opening_balance"), doc.amount("closing_balance")
    rows = doc.rows("transactions")
    if opening is None or closing is None or not rows:
        return None
    moved = sum((row.amount("amount") or Decimal(0) for row in rows), Decimal(0))
    return doc.check(opening + moved == closing, f"{opening} + {moved} vs {closing}")


STATEMENT = DocumentType(
    name="bank_statement",
    description="A bank's statement of one account: balances and booked lines.",
    titles=("Bank Statement",),
    fields=[
        Field("opening_balance", "amount", required=True, labels=("Opening Balance",)),
        Field("closing_balance", "amount", required=True, labels=("Closing Balance",)),
        Field("transactions", "table", required=True, columns=[
            Column("date", "date", required=True, labels=("Date",)),
            Column("description", "text", labels=("Description",)),
            Column("amount", "amount", required=True, labels=("Amount",)),
        ]),
    ],
    rules=[lines_reach_the_closing_balance],
    {marks}
)
"""

STATEMENT = (
    "Bank Statement\n"
    "Opening Balance:  1,000.00 CR\n"
    "\n"
    "Date          Description                          Amount\n"
    "04/03/2024    Card payment BRAKES FOODSERVICE      612.40 DR\n"
    "07/03/2024    Transfer from SQUARE PAYMENTS        100.00 CR\n"
    "11/03/2024    Direct debit BRITISH GAS             -£45.10\n"
    "\n"
    "Closing Balance:  442.50 CR\n"
)
"""1,000.00 in, 612.40 out, 100.00 in, 45.10 out: 442.50 in hand."""

DESCRIPTIONS = ["Card payment BRAKES FOODSERVICE", "Transfer from SQUARE PAYMENTS", "Direct debit BRITISH GAS"]


WRONG_WAY = "validation_failed: lines_reach_the_closing_balance: -1000.00 + 467.30 vs -442.50"
"""The rule's verdict on the lines read as accounting reads them."""


@pytest.mark.parametrize(
    ("marks", "reasons", "balances", "amounts"),
    [
        ('credit_marks="statement",', [], ("1000.00", "442.50"), ["-612.40", "100.00", "-45.10"]),
        ("", [WRONG_WAY], ("-1000.00", "-442.50"), ["612.40", "-100.00", "-45.10"]),
    ],
    ids=["statement", "accounting"],
)
def test_a_statements_cr_and_dr_rows_are_claimed_with_the_sign_its_type_declares(
    tmp_path: Path, marks: str, reasons: list[str], balances: tuple[str, str], amounts: list[str]
) -> None:
    write(tmp_path, "statement_types.py", TYPES.replace("{marks}", marks))
    write(tmp_path / "docs", "statement.txt", STATEMENT)
    types = ("--types", f"{tmp_path / 'statement_types.py'}:STATEMENT")
    done = run_cli("run", tmp_path / "docs", "--json", "--data-dir", tmp_path / "data", "--model", "rules", *types)
    [view] = json_lines(done.stdout)
    assert (view["status"], view["review_reasons"]) == ("needs_review" if reasons else "completed", reasons), view
    fields = view["fields"]
    assert (fields["opening_balance"]["value"], fields["closing_balance"]["value"]) == balances
    rows = fields["transactions"]["value"]
    assert [row["amount"] for row in rows] == amounts
    assert [row["description"] for row in rows] == DESCRIPTIONS
    assert [e["quote"] for e in fields["transactions"]["evidence"]] == STATEMENT.splitlines()[4:7]
    assert [e["quote"] for e in fields["closing_balance"]["evidence"]] == ["Closing Balance:  442.50 CR"]
