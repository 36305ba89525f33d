"""A records CSV shows, beside each value, how it was decided and where it is written: status, confidence,
decider, and its evidence's pages and quotes, so a spreadsheet answers "where does this number come from"."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from typer.testing import CliRunner

from claimflow.doctypes.receipt import RECEIPT
from claimflow.runtime.cli import app
from claimflow.runtime.export import records_csv
from claimflow.state.evidence import Evidence
from claimflow.state.records import record_model
from tests.cli.test_export_records import INVOICE

runner = CliRunner(env={"COLUMNS": "1000"})

# 100.00 + 20.00 is not 125.00: review. The 120.00 the reviewer sets is written further down.
MISMATCH = INVOICE.replace("Total: EUR 120.00", "Total: EUR 125.00") + "Paid by card: EUR 120.00\n"


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as file:  # newline="": a quote's line ends stay in its cell
        return list(csv.DictReader(file))


def _run(tmp_path: Path, name: str, text: str) -> tuple[Path, dict[str, object]]:
    doc, data = tmp_path / name, tmp_path / "data"
    doc.write_text(text)
    result = runner.invoke(app, ["run", str(doc), "--json", "--data-dir", str(data)])
    assert result.exit_code == 0, result.output
    return data, json.loads(result.stdout.splitlines()[0])


def test_each_field_has_its_status_confidence_decider_page_and_quote(tmp_path: Path) -> None:
    data, view = _run(tmp_path, "invoice.txt", MISMATCH)
    assert view["status"] == "needs_review"
    decided = runner.invoke(
        app,
        ["review", "decide", str(view["run_id"]), "--reviewer", "erin", "--set", "total_amount=120.00",
         "--evidence", "total_amount=Paid by card: EUR 120.00", "--data-dir", str(data)],
    )  # fmt: skip
    assert decided.exit_code == 0, decided.output
    out = tmp_path / "records.csv"
    assert runner.invoke(app, ["export", str(out), "--data-dir", str(data)]).exit_code == 0
    [row] = _rows(out)

    # A value the extractor read: its claim decided it, at its confidence, from the line it quoted.
    assert row["invoice_number"] == "NT-1001"
    assert row["invoice_number_status"] == "accepted"
    assert row["invoice_number_decided_by"].startswith("extract_invoice#1")
    assert 0 < float(row["invoice_number_confidence"]) <= 1
    assert row["invoice_number_page"] == "1"
    assert "NT-1001" in row["invoice_number_quote"] and row["invoice_number_quote"] in INVOICE

    # The value the reviewer set: theirs, with the text they pointed at.
    assert (row["total_amount"], row["total_amount_status"]) == ("120.00", "edited")
    assert "erin" in row["total_amount_decided_by"]
    assert (row["total_amount_page"], row["total_amount_quote"]) == ("1", "Paid by card: EUR 120.00")

    # A field the document does not have: no confidence, no page, no quote.
    assert row["vendor_tax_id_status"] == "missing"
    assert (row["vendor_tax_id_confidence"], row["vendor_tax_id_page"], row["vendor_tax_id_quote"]) == ("", "", "")


def test_several_spans_keep_their_order_and_a_quote_that_could_run_as_a_formula_is_text() -> None:
    model = record_model(RECEIPT)
    spans = [
        Evidence(page=2, start=0, end=14, quote="Paid: 12; cash"),
        Evidence(page=1, start=5, end=11, quote="-12.50"),
    ]
    total = {"value": "12.50", "status": "accepted", "confidence": 0.9, "decided_by": "x", "evidence": spans}
    record = model.model_validate(
        {"run_id": "r1", "document_id": "0" * 64, "filename": "slip.txt", "doc_type": "receipt", "total_amount": total}
    )
    [row] = list(csv.DictReader(io.StringIO(records_csv(RECEIPT, [record]), newline="")))
    assert row["total_amount_page"] == "2; 1"
    # Joined as several values are: the quote with a `;` in double quotes, so the cell splits back in two.
    assert row["total_amount_quote"] == '"Paid: 12; cash"; -12.50'
    assert row["total_amount_confidence"] == "0.9"
    lone = model.model_validate(
        {"run_id": "r2", "document_id": "0" * 64, "filename": "slip.txt", "doc_type": "receipt",
         "total_amount": {**total, "evidence": spans[1:]}}
    )  # fmt: skip
    [row] = list(csv.DictReader(io.StringIO(records_csv(RECEIPT, [lone]), newline="")))
    assert row["total_amount_quote"] == "'-12.50"  # a cell that starts with `-` would run as a formula
