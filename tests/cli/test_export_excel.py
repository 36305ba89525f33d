"""`claimflow export --excel`: a CSV spreadsheets read with its accents right; plain UTF-8 stays the default.

Excel reads a CSV without a byte order mark in the machine's legacy code page (`Müller` as `MÃ¼ller`). With
`--excel` every file the export writes (the records, and each table beside them) starts with the UTF-8 BOM;
without it the bytes are what programs reading UTF-8 expect, the first column named `run_id`, not `\\ufeffrun_id`.
"""

from __future__ import annotations

import codecs
import csv
import json
from pathlib import Path

from tests.cli.conftest import Invoke

VENDOR = "Müller Bürobedarf Société GmbH"
INVOICE = f"""{VENDOR}
INVOICE
Invoice No.: MB-2201
Invoice Date: 04.03.2024
Subtotal: 100.00
VAT 20%: 20.00
Total: EUR 120.00
"""


def _finished(claimflow: Invoke, tmp_path: Path, *documents: tuple[str, str]) -> Path:
    """The data directory of each (file name, text) run and approved; by default an invoice whose vendor has accents."""
    data = tmp_path / "data"
    for name, text in documents or (("invoice.txt", INVOICE),):
        doc = tmp_path / name
        doc.write_text(text, encoding="utf-8")
        done = claimflow("run", doc, "--json", "--data-dir", data)
        assert done.exit_code == 0, done.output
        view = json.loads(done.stdout.splitlines()[0])
        if view["status"] == "needs_review":
            decided = claimflow(
                "review", "decide", view["run_id"], "--reviewer", "erin", "--approve", "--data-dir", data
            )
            assert decided.exit_code == 0, decided.output
    return data


def _rows(path: Path, encoding: str) -> list[dict[str, str]]:
    with path.open(encoding=encoding, newline="") as file:
        return list(csv.DictReader(file))


def test_excel_starts_every_csv_with_the_utf8_bom_and_reads_back_as_utf8_sig(claimflow: Invoke, tmp_path: Path) -> None:
    data = _finished(claimflow, tmp_path)
    out = tmp_path / "records.csv"
    done = claimflow("export", out, "--excel", "--data-dir", data)
    assert done.exit_code == 0, done.output

    raw = out.read_bytes()
    assert raw.startswith(codecs.BOM_UTF8 + b"run_id,document,doc_type,vendor_name,")
    assert VENDOR.encode("utf-8") in raw  # UTF-8 after the mark, not a legacy code page
    [row] = _rows(out, "utf-8-sig")
    assert (row["vendor_name"], row["invoice_number"], row["total_amount"]) == (VENDOR, "MB-2201", "120.00")
    # The table beside it is written for spreadsheets too.
    table = tmp_path / "records.line_items.csv"
    assert table.read_bytes() == codecs.BOM_UTF8 + b"run_id,row,description,quantity,unit_price,amount,page,quote\r\n"


def test_without_excel_the_csv_is_plain_utf8_as_programs_read_it(claimflow: Invoke, tmp_path: Path) -> None:
    data = _finished(claimflow, tmp_path)
    out = tmp_path / "records.csv"
    assert claimflow("export", out, "--data-dir", data).exit_code == 0

    assert out.read_bytes().startswith(b"run_id,document,doc_type,")
    [row] = _rows(out, "utf-8")
    assert row["vendor_name"] == VENDOR
    assert _rows(out, "utf-8-sig") == [row]  # a program reading either way gets the same


def test_an_earlier_excel_export_is_known_as_an_exports_and_replaced(claimflow: Invoke, tmp_path: Path) -> None:
    contract = (
        "SERVICE AGREEMENT\nThis Agreement is made on 1 October 2023 between Northwind Traders Ltd. (the Client)\n"
        "and Blue Harbor Consulting LLC (the Provider).\nThe term of this Agreement is two (2) years.\n"
    )
    data = _finished(claimflow, tmp_path, ("invoice.txt", INVOICE), ("contract.txt", contract))
    out = tmp_path / "all.csv"
    assert claimflow("export", out, "--type", "invoice", "--excel", "--data-dir", data).exit_code == 0

    # Records of two types split the export: the single file --excel wrote before goes, its BOM notwithstanding.
    split = claimflow("export", out, "--excel", "--data-dir", data)
    assert split.exit_code == 0, split.output
    assert not out.exists() and "removed (an earlier export's" in split.stderr


def test_excel_with_a_json_output_is_a_usage_error_and_writes_nothing(claimflow: Invoke, tmp_path: Path) -> None:
    data = _finished(claimflow, tmp_path)
    for name in ("records.json", "records.jsonl"):
        done = claimflow("export", tmp_path / name, "--excel", "--data-dir", data)
        assert done.exit_code == 2
        assert f"{name}: --excel writes CSV; name a .csv file" in " ".join(done.stderr.split())
        assert not (tmp_path / name).exists()
