"""A bank statement whose lines print their dates without a year, run offline through `claimflow run --types`.

The header prints the period (`1 March 2024 to 31 March 2024`), the lines `12 Mar`: the rules backend claims each
row's date with the statement's year, apply's evidence check accepts it, and the type's rule, that every line falls
within the period, passes. With no year printed anywhere, no date is read: the rows are not claimed and the run waits
for review. The statement is synthetic.
"""

from __future__ import annotations

from pathlib import Path

from tests.integration._docs import json_lines, run_cli, write

TYPES = """
from claimflow import Column, DocumentType, Field, RuleInput, RuleResult, rule


@rule("lines_within_the_period", fields=["period_start", "period_end", "transactions"])
def lines_within_the_period(doc: RuleInput) -> RuleResult | None:
    start, end, rows = doc.date("period_start"), doc.date("period_end"), doc.rows("transactions")
    if start is None or end is None or not rows:
        return None
    booked = [row.date("date") for row in rows]
    return doc.check(all(day is not None and start <= day <= end for day in booked), f"{booked} vs {start}..{end}")


STATEMENT = DocumentType(
    name="bank_statement",
    description="A bank's statement of one account: its period and booked lines.",
    titles=("Bank Statement",),
    fields=[
        Field("period_start", "date", labels=("Period from",)),
        Field("period_end", "date", labels=("Period to",)),
        Field("transactions", "table", required=True, columns=[
            Column("date", "date", required=True, labels=("Date",)),
            Column("description", "text", labels=("Description",)),
            Column("amount", "amount", required=True, labels=("Amount",)),
        ]),
    ],
    rules=[lines_within_the_period],
)
"""

STATEMENT = (
    "Bank Statement\n"
    "Period from:  1 March 2024\n"
    "Period to:  31 March 2024\n"
    "\n"
    "Date      Description                        Amount\n"
    "04 Mar    Card payment TESCO                 23.40\n"
    "12 Mar    Transfer from SQUARE PAYMENTS      100.00\n"
    "28 Mar    Direct debit BRITISH GAS           45.10\n"
)


def _run(tmp_path: Path, text: str) -> dict[str, object]:
    write(tmp_path, "statement_types.py", TYPES)
    write(tmp_path / "docs", "statement.txt", text)
    types = ("--types", f"{tmp_path / 'statement_types.py'}:STATEMENT")
    done = run_cli("run", tmp_path / "docs", "--json", "--data-dir", tmp_path / "data", "--model", "rules", *types)
    [view] = json_lines(done.stdout)
    return view


def test_a_statements_yearless_dates_are_claimed_with_its_year(tmp_path: Path) -> None:
    view = _run(tmp_path, STATEMENT)
    assert (view["status"], view["review_reasons"]) == ("completed", []), view
    fields = view["fields"]
    assert isinstance(fields, dict)
    rows = fields["transactions"]["value"]
    assert [row["date"] for row in rows] == ["2024-03-04", "2024-03-12", "2024-03-28"]
    assert [e["quote"] for e in fields["transactions"]["evidence"]] == STATEMENT.splitlines()[5:8]


def test_without_a_year_in_the_statement_its_lines_are_not_dated(tmp_path: Path) -> None:
    undated = STATEMENT.replace("1 March 2024", "1 March").replace("31 March 2024", "31 March")
    view = _run(tmp_path, undated)
    assert view["status"] == "needs_review", view
    fields = view["fields"]
    assert isinstance(fields, dict)
    assert fields["transactions"]["value"] in (None, []), fields["transactions"]
