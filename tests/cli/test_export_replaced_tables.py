"""A CSV export of one type to a file an earlier export of another type wrote leaves none of the old tables.

`records.line_items.csv` beside `records.csv` reads as the line items of the records in it: left from an export
of invoices beside an export of contracts (or of nothing), it would pass for part of the new export.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from typer.testing import CliRunner

from claimflow.runtime.cli import app

ITEMISED_INVOICE = """Harbour Stationery Ltd
INVOICE
Invoice No.: HS-3301
Invoice Date: 02.04.2024
Description Qty Unit Price Amount
Copier paper A4 2 10.00 20.00
Gel pens, blue 3 5.00 15.00
Subtotal: 35.00
VAT 20%: 7.00
Total: EUR 42.00
"""

CONTRACT = """SERVICE AGREEMENT
This Agreement is made on 1 October 2023 between Northwind Traders Ltd. (the Client)
and Blue Harbor Consulting LLC (the Provider).
The term of this Agreement is two (2) years.
This Agreement is governed by the laws of the State of Delaware.
"""

runner = CliRunner(env={"COLUMNS": "1000"})


def _completed(tmp_path: Path, *documents: tuple[str, str]) -> Path:
    """Run each (file name, text), approving any that waits for review; return the data directory."""
    data = tmp_path / "data"
    for name, text in documents:
        doc = tmp_path / name
        doc.write_text(text, encoding="utf-8")
        result = runner.invoke(app, ["run", str(doc), "--json", "--data-dir", str(data)])
        assert result.exit_code == 0, result.output
        view = json.loads(result.stdout.splitlines()[0])
        if view["status"] == "needs_review":
            decided = runner.invoke(
                app, ["review", "decide", view["run_id"], "--reviewer", "erin", "--approve", "--data-dir", str(data)]
            )
            assert decided.exit_code == 0, decided.output
    return data


def _export(data: Path, out: Path, *options: str) -> None:
    result = runner.invoke(app, ["export", str(out), *options, "--data-dir", str(data)])
    assert result.exit_code == 0, result.output


def test_an_export_of_another_type_to_the_same_file_removes_the_old_tables(tmp_path: Path) -> None:
    data = _completed(tmp_path, ("invoice.txt", ITEMISED_INVOICE), ("contract.txt", CONTRACT))
    out = tmp_path / "records.csv"
    _export(data, out, "--type", "invoice")
    assert sorted(p.name for p in tmp_path.glob("records*")) == ["records.csv", "records.line_items.csv"]

    _export(data, out, "--type", "contract")

    assert sorted(p.name for p in tmp_path.glob("records*")) == ["records.csv"]
    [contract] = csv.DictReader(out.read_text(encoding="utf-8").splitlines())
    assert contract["doc_type"] == "contract"


def test_an_export_that_finds_nothing_leaves_no_tables_of_an_earlier_one(tmp_path: Path) -> None:
    data = _completed(tmp_path, ("invoice.txt", ITEMISED_INVOICE))
    out = tmp_path / "records.csv"
    _export(data, out)
    assert (tmp_path / "records.line_items.csv").read_text(encoding="utf-8").count("\n") == 3  # header, two rows

    _export(data, out, "--status", "failed")

    assert sorted(p.name for p in tmp_path.glob("records*")) == ["records.csv"]
    assert out.read_text(encoding="utf-8") == ""
