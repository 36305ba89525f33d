"""`claimflow eval`: an extraction case judges the rows of a table, as `expected.tables`.

A case could expect fields only: a table named under `expected.fields` could never be met (a table has no value of
its own) and always failed, and rows were never judged, so a model or prompt that read every line of a statement
wrong passed the gate of a type whose point is its table.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.integration._docs import run_cli, write

STATEMENT_TYPE = """
from claimflow import Column, DocumentType, Field

STATEMENT = DocumentType(
    name="statement",
    description="A bank account statement.",
    titles=("Account Statement",),
    credit_marks="statement",
    fields=[
        Field("closing_balance", "amount", labels=("Closing Balance",)),
        Field("transactions", "table", columns=[
            Column("date", "date", labels=("Date",)),
            Column("description", "text", labels=("Description",)),
            Column("amount", "amount", required=True, labels=("Amount",)),
        ]),
    ],
)
"""

PAGE = """ACCOUNT STATEMENT

Date         Description            Amount
02/01/2024   Salary                 2,500.00 CR
05/01/2024   Rent                   1,200.00 DR

Closing Balance: 1,300.00
"""


def _row(date: str, description: str, amount: str, quote: str) -> dict[str, Any]:
    start = PAGE.index(quote)
    return {
        "table": "transactions",
        "cells": {"date": date, "description": description, "amount": amount},
        "evidence": {"quote": quote, "page": 1, "start": start, "end": start + len(quote)},
    }


def _case(tables: dict[str, Any], fields: dict[str, Any] | None = None, *, rent: str = "-1200.00") -> str:
    """An extraction case of the statement: its recorded claim reads both lines (the rent's amount as `rent`)."""
    quote = "Closing Balance: 1,300.00"
    claim = {
        "fields": [{"field": "closing_balance", "value": "1300.00", "confidence": 0.9,
                    "evidence": {"quote": quote, "page": 1, "start": PAGE.index(quote)}}],
        "rows": [
            _row("2024-01-02", "Salary", "2500.00", "02/01/2024   Salary                 2,500.00 CR"),
            _row("2024-01-05", "Rent", rent, "05/01/2024   Rent                   1,200.00 DR"),
        ],
    }  # fmt: skip
    expected = {"fields": fields or {"closing_balance": {"value": "1300.00"}}, "tables": tables,
                "route": "arbitrate_statement"}  # fmt: skip
    case = {"kind": "model_step", "name": "january", "step": "extract_statement", "prompt": "extract_statement@1+t2",
            "pages": [PAGE], "doc_type": "statement", "recorded_claim": claim, "expected": expected}  # fmt: skip
    return json.dumps(case)


ROWS = {"transactions": [{"cells": {"date": "2024-01-02", "amount": "2500.00"}}, {"cells": {"amount": "-1200.00"}}]}


def _eval(tmp_path: Path, case: str) -> Any:
    types = write(tmp_path, "statement_types.py", STATEMENT_TYPE)
    write(tmp_path / "goldens" / "extract_statement", "january.json", case)
    return run_cli("eval", "--goldens", tmp_path / "goldens", "--types", types, "--json")


def test_the_rows_a_case_expects_are_judged(tmp_path: Path) -> None:
    right = _eval(tmp_path, _case(ROWS))
    assert right.returncode == 0, right.stderr
    [case] = json.loads(right.stdout)["cases"]
    assert case["passed"] is True
    assert case["got"]["tables"]["transactions"][1]["cells"]["amount"] == "-1200.00"

    # The claim reads the rent as money in, which its quote refutes (DR): apply accepts one row, not two.
    wrong = _eval(tmp_path, _case(ROWS, rent="1200.00"))
    assert wrong.returncode == 1, wrong.stderr
    [case] = json.loads(wrong.stdout)["cases"]
    assert case["passed"] is False and case["message"] == "transactions: expected 2 accepted row(s), got 1"

    # A row accepted with another cell than the case expects.
    other = {"transactions": [ROWS["transactions"][0], {"cells": {"description": "Rent for January"}}]}
    differs = _eval(tmp_path, _case(other))
    assert differs.returncode == 1
    message = json.loads(differs.stdout)["cases"][0]["message"]
    assert message == "transactions row 2: expected description 'Rent for January', got 'Rent'"


def test_a_table_expected_as_a_field_or_a_cell_no_row_could_hold_stops_the_command(tmp_path: Path) -> None:
    as_field = _eval(tmp_path, _case({}, {"transactions": {"status": "accepted"}}))
    assert as_field.returncode == 2
    assert (
        "case extract_statement-january (extract_statement/january.json): expected.fields names 'transactions', a"
        " table of statement; expect its rows under expected.tables" in as_field.stderr.replace("\n", "")
    )
    cells = {"transactions": [{"cells": {"amount": "1,200.00"}}, {"cells": {"amout": "-1200.00"}}]}
    odd = _eval(tmp_path, _case(cells))
    assert odd.returncode == 2
    message = odd.stderr.replace("\n", "")
    assert "expected.tables: amount column transactions.amount row 1: '1,200.00' is not" in message
    assert "expected.tables.transactions row 2 names column 'amout', which transactions does not have" in message
