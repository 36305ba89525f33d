"""`claimflow export` writes typed records with provenance, in the format the file name asks for."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from typer.testing import CliRunner

from claimflow.runtime.cli import app

INVOICE = """Northwind Traders Ltd
INVOICE
Invoice No.: NT-1001
Invoice Date: 04.03.2024
Subtotal: 100.00
VAT 20%: 20.00
Total: EUR 120.00
"""

runner = CliRunner()


def _run(tmp_path: Path) -> Path:
    doc = tmp_path / "invoice.txt"
    doc.write_text(INVOICE)
    data = tmp_path / "data"
    result = runner.invoke(app, ["run", str(doc), "--json", "--data-dir", str(data)])
    assert result.exit_code == 0, result.output
    view = json.loads(result.stdout.splitlines()[0])
    if view["status"] == "needs_review":
        decided = runner.invoke(
            app, ["review", "decide", view["run_id"], "--reviewer", "erin", "--approve", "--data-dir", str(data)]
        )
        assert decided.exit_code == 0, decided.output
    return data


def test_export_jsonl_has_typed_values_with_evidence_and_provenance(tmp_path: Path) -> None:
    data = _run(tmp_path)
    out = tmp_path / "records.jsonl"
    result = runner.invoke(app, ["export", str(out), "--data-dir", str(data)])
    assert result.exit_code == 0, result.output
    (line,) = out.read_text().splitlines()
    record = json.loads(line)
    assert record["doc_type"] == "invoice"
    assert record["total_amount"]["value"] == "120.00"
    assert record["issue_date"]["value"] == "2024-03-04"
    assert record["total_amount"]["evidence"][0]["quote"] in INVOICE
    assert record["total_amount"]["decided_by"].startswith("extract_invoice#1")


def test_export_csv_has_one_row_per_document_with_status_columns(tmp_path: Path) -> None:
    data = _run(tmp_path)
    out = tmp_path / "records.csv"
    assert runner.invoke(app, ["export", str(out), "--data-dir", str(data)]).exit_code == 0
    rows = list(csv.DictReader(out.read_text().splitlines()))
    assert len(rows) == 1
    assert rows[0]["invoice_number"] == "NT-1001"
    assert rows[0]["invoice_number_status"] == "accepted"


def test_export_only_takes_runs_of_the_asked_status(tmp_path: Path) -> None:
    data = _run(tmp_path)
    out = tmp_path / "failed.jsonl"
    assert runner.invoke(app, ["export", str(out), "--status", "failed", "--data-dir", str(data)]).exit_code == 0
    assert out.read_text() == ""
