"""`claimflow export` writes typed records with provenance, in the format the file name asks for.

CSV holds one type's columns: each table field goes to its own CSV beside the records (`<stem>.line_items.csv`),
and records of several types go to one file per type. `--type` exports the records of one type only.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from typer.testing import CliRunner

from claimflow.runtime.cli import app
from claimflow.runtime.export import TABLE_ROW_LEAD, TABLE_ROW_TRAIL
from claimflow.state.schema.fields import CSV_TABLE_COLUMNS
from tests.integration._docs import flat

INVOICE = """Northwind Traders Ltd
INVOICE
Invoice No.: NT-1001
Invoice Date: 04.03.2024
Subtotal: 100.00
VAT 20%: 20.00
Total: EUR 120.00
"""

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


def _run(tmp_path: Path, *documents: tuple[str, str]) -> Path:
    """Run each (file name, text) to completion, approving any that waits for review; return the data dir."""
    data = tmp_path / "data"
    for name, text in documents or (("invoice.txt", INVOICE),):
        doc = tmp_path / name
        doc.write_text(text)
        result = runner.invoke(app, ["run", str(doc), "--json", "--data-dir", str(data)])
        assert result.exit_code == 0, result.output
        view = json.loads(result.stdout.splitlines()[0])
        if view["status"] == "needs_review":
            decided = runner.invoke(
                app, ["review", "decide", view["run_id"], "--reviewer", "erin", "--approve", "--data-dir", str(data)]
            )
            assert decided.exit_code == 0, decided.output
    return data


def _csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(path.read_text().splitlines()))


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
    rows = _csv(out)
    assert len(rows) == 1
    assert rows[0]["invoice_number"] == "NT-1001"
    assert rows[0]["invoice_number_status"] == "accepted"
    assert "line_items" not in rows[0]  # a table is not a column: it has its own file
    # The invoice type has an item table, so its CSV is written beside the records (here without rows).
    assert _csv(tmp_path / "records.line_items.csv") == []
    assert (tmp_path / "records.line_items.csv").read_text().splitlines() == [
        "run_id,row,description,quantity,unit_price,amount,page,quote"
    ]


def test_export_only_takes_runs_of_the_asked_status(tmp_path: Path) -> None:
    data = _run(tmp_path)
    out = tmp_path / "failed.jsonl"
    assert runner.invoke(app, ["export", str(out), "--status", "failed", "--data-dir", str(data)]).exit_code == 0
    assert out.read_text() == ""


def test_export_csv_writes_the_item_table_to_its_own_file(tmp_path: Path) -> None:
    data = _run(tmp_path, ("itemised.txt", ITEMISED_INVOICE))
    out = tmp_path / "records.csv"
    result = runner.invoke(app, ["export", str(out), "--data-dir", str(data)])
    assert result.exit_code == 0, result.output
    table = tmp_path / "records.line_items.csv"
    assert f"wrote 1 record(s) to {out}, {table}" in flat(result.stderr)
    [record] = _csv(out)
    assert (record["invoice_number"], record["net_amount"]) == ("HS-3301", "35.00")
    rows = _csv(table)
    assert [{k: v for k, v in row.items() if k != "run_id"} for row in rows] == [
        {"row": "1", "description": "Copier paper A4", "quantity": "2", "unit_price": "10.00", "amount": "20.00",
         "page": "1", "quote": "Copier paper A4 2 10.00 20.00"},
        {"row": "2", "description": "Gel pens, blue", "quantity": "3", "unit_price": "5.00", "amount": "15.00",
         "page": "1", "quote": "Gel pens, blue 3 5.00 15.00"},
    ]  # fmt: skip
    assert {row["run_id"] for row in rows} == {record["run_id"]}


def test_export_jsonl_nests_the_item_table_with_evidence_per_row(tmp_path: Path) -> None:
    data = _run(tmp_path, ("itemised.txt", ITEMISED_INVOICE))
    out = tmp_path / "records.jsonl"
    assert runner.invoke(app, ["export", str(out), "--data-dir", str(data)]).exit_code == 0
    [line] = out.read_text().splitlines()
    rows = json.loads(line)["line_items"]
    assert [(row["description"], row["amount"]) for row in rows] == [
        ("Copier paper A4", "20.00"),
        ("Gel pens, blue", "15.00"),
    ]
    for row in rows:
        evidence = row["evidence"]
        assert ITEMISED_INVOICE[evidence["start"] : evidence["end"]] == evidence["quote"]


def test_export_type_takes_only_the_records_of_that_type(tmp_path: Path) -> None:
    data = _run(tmp_path, ("invoice.txt", INVOICE), ("contract.txt", CONTRACT))
    contracts = tmp_path / "contracts.jsonl"
    result = runner.invoke(app, ["export", str(contracts), "--type", "contract", "--data-dir", str(data)])
    assert result.exit_code == 0, result.output
    [record] = [json.loads(line) for line in contracts.read_text().splitlines()]
    assert record["doc_type"] == "contract" and record["filename"] == "contract.txt"
    assert sorted(record["parties"]["value"]) == ["Blue Harbor Consulting LLC", "Northwind Traders Ltd."]

    invoices = tmp_path / "invoices.csv"
    result = runner.invoke(app, ["export", str(invoices), "--type", "invoice", "--data-dir", str(data)])
    assert result.exit_code == 0, result.output
    assert [row["document"] for row in _csv(invoices)] == ["invoice.txt"]
    assert sorted(p.name for p in tmp_path.glob("invoices*")) == ["invoices.csv", "invoices.line_items.csv"]


def test_export_csv_of_several_types_writes_one_file_per_type(tmp_path: Path) -> None:
    data = _run(tmp_path, ("invoice.txt", INVOICE), ("contract.txt", CONTRACT))
    out = tmp_path / "all.csv"
    result = runner.invoke(app, ["export", str(out), "--data-dir", str(data)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.glob("all*")) == [
        "all.contract.csv", "all.invoice.csv", "all.invoice.line_items.csv",
    ]  # fmt: skip
    assert [row["doc_type"] for row in _csv(tmp_path / "all.invoice.csv")] == ["invoice"]
    [contract] = _csv(tmp_path / "all.contract.csv")
    assert (contract["jurisdiction"], contract["term"]) == ("Delaware", "2 years")
    assert "parties_status" in contract and "invoice_number" not in contract


def test_export_type_that_is_not_active_is_an_error_and_writes_nothing(tmp_path: Path) -> None:
    data = _run(tmp_path)
    out = tmp_path / "memos.jsonl"
    result = runner.invoke(app, ["export", str(out), "--type", "memo", "--data-dir", str(data)])
    assert result.exit_code == 2, result.output
    assert "unknown document type 'memo'; active: invoice, receipt, contract" in flat(result.stderr)
    assert not out.exists()


def test_a_file_name_of_no_export_format_is_a_usage_error_and_writes_nothing(tmp_path: Path) -> None:
    data = tmp_path / "data"
    result = CliRunner().invoke(app, ["export", str(tmp_path / "records.xlsx"), "--data-dir", str(data)])

    assert result.exit_code == 2
    assert "records.xlsx: name a .jsonl, .json or .csv file" in flat(result.output)
    assert not (tmp_path / "records.xlsx").exists()


def test_a_status_no_run_can_have_is_a_usage_error(tmp_path: Path) -> None:
    data = tmp_path / "data"
    for command in (["export", str(tmp_path / "records.jsonl")], ["runs"]):
        result = CliRunner().invoke(app, [*command, "--status", "complete", "--data-dir", str(data)])

        assert result.exit_code == 2, command
        assert "'complete' is no run status" in flat(result.output)


def test_an_output_that_cannot_be_written_is_one_line_and_exit_code_2(tmp_path: Path) -> None:
    data = _run(tmp_path)
    folder = tmp_path / "records.json"
    folder.mkdir()  # a folder where the file would go
    beside_a_file = tmp_path / "invoice.txt" / "records.csv"  # under a file, not a folder
    results = [runner.invoke(app, ["export", str(path), "--data-dir", str(data)]) for path in (folder, beside_a_file)]

    for result in results:
        assert result.exit_code == 2, result.output
        assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
        assert flat(result.stderr).startswith("error: cannot write "), result.stderr
        assert "Traceback" not in result.output
    assert f"cannot write {folder}: Is a directory" in flat(results[0].stderr)
    assert folder.is_dir() and not any(folder.iterdir())


def test_a_csv_export_split_by_type_removes_the_single_file_an_earlier_export_wrote(tmp_path: Path) -> None:
    data = _run(tmp_path, ("invoice.txt", INVOICE), ("contract.txt", CONTRACT))
    out = tmp_path / "all.csv"
    only_invoices = runner.invoke(app, ["export", str(out), "--type", "invoice", "--data-dir", str(data)])
    assert only_invoices.exit_code == 0, only_invoices.output
    assert sorted(p.name for p in tmp_path.glob("all*")) == ["all.csv", "all.line_items.csv"]

    result = runner.invoke(app, ["export", str(out), "--data-dir", str(data)])
    assert result.exit_code == 0, result.output
    # The invoices-only all.csv would pass for the export of every type: it is replaced by one file per type.
    assert sorted(p.name for p in tmp_path.glob("all*")) == [
        "all.contract.csv", "all.invoice.csv", "all.invoice.line_items.csv",
    ]  # fmt: skip
    said = flat(result.stderr)
    assert f"removed (an earlier export's, not part of this one): {out}, {tmp_path / 'all.line_items.csv'}" in said


def test_a_split_csv_export_leaves_files_of_its_names_that_no_export_wrote_and_says_so(tmp_path: Path) -> None:
    data = _run(tmp_path, ("invoice.txt", INVOICE), ("contract.txt", CONTRACT))
    out = tmp_path / "out.csv"
    out.write_text("month,budget\nMarch,1200\n", encoding="utf-8")  # the user's own, not an export
    (tmp_path / "out.line_items.csv").write_text("sku,qty\nA-1,3\n", encoding="utf-8")

    result = runner.invoke(app, ["export", str(out), "--data-dir", str(data)])

    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == "month,budget\nMarch,1200\n"
    assert (tmp_path / "out.line_items.csv").read_text(encoding="utf-8") == "sku,qty\nA-1,3\n"
    said = flat(result.stderr)
    written = ", ".join(str(tmp_path / name) for name in ("out.invoice.csv", "out.invoice.line_items.csv"))
    assert f"wrote 2 record(s) to {written}, {tmp_path / 'out.contract.csv'}" in said, said
    left = f"{out}, {tmp_path / 'out.line_items.csv'}"
    assert f"left in place (no export wrote them, and they are not part of this one): {left}" in said
    assert "removed" not in said


def test_a_file_name_that_is_only_an_extension_is_a_usage_error_and_writes_nothing(tmp_path: Path) -> None:
    data = tmp_path / "data"
    for name in (".csv", ".json", ".JSONL"):
        result = CliRunner().invoke(app, ["export", str(tmp_path / name), "--data-dir", str(data)])

        assert result.exit_code == 2, name
        assert f"{name}: name the file too, such as records{name}" in flat(result.output)
        assert not (tmp_path / name).exists()


# An export to a file an earlier export wrote replaces it whole: no table file of the earlier one stays beside it.
def _export(data: Path, out: Path, *options: str) -> None:
    result = runner.invoke(app, ["export", str(out), *options, "--data-dir", str(data)])
    assert result.exit_code == 0, result.output


def test_an_export_of_another_type_to_the_same_file_removes_the_old_tables(tmp_path: Path) -> None:
    data = _run(tmp_path, ("invoice.txt", ITEMISED_INVOICE), ("contract.txt", CONTRACT))
    out = tmp_path / "records.csv"
    _export(data, out, "--type", "invoice")
    assert sorted(p.name for p in tmp_path.glob("records*")) == ["records.csv", "records.line_items.csv"]

    _export(data, out, "--type", "contract")

    assert sorted(p.name for p in tmp_path.glob("records*")) == ["records.csv"]
    [contract] = csv.DictReader(out.read_text(encoding="utf-8").splitlines())
    assert contract["doc_type"] == "contract"


def test_an_export_that_finds_nothing_leaves_no_tables_of_an_earlier_one(tmp_path: Path) -> None:
    data = _run(tmp_path, ("invoice.txt", ITEMISED_INVOICE))
    out = tmp_path / "records.csv"
    _export(data, out)
    assert (tmp_path / "records.line_items.csv").read_text(encoding="utf-8").count("\n") == 3  # header, two rows

    _export(data, out, "--status", "failed")

    assert sorted(p.name for p in tmp_path.glob("records*")) == ["records.csv"]
    # Of the three types loaded, none is the export's: it has the columns every type's CSV starts with.
    assert out.read_text(encoding="utf-8").splitlines() == ["run_id,document,doc_type"]


def test_an_export_of_one_type_that_finds_nothing_still_has_the_types_columns(tmp_path: Path) -> None:
    data = _run(tmp_path, ("invoice.txt", ITEMISED_INVOICE))
    out = tmp_path / "records.csv"

    _export(data, out, "--type", "invoice", "--status", "failed")

    assert sorted(p.name for p in tmp_path.glob("records*")) == ["records.csv", "records.line_items.csv"]
    [header] = out.read_text(encoding="utf-8").splitlines()
    assert header.startswith("run_id,document,doc_type,vendor_name,vendor_name_status,"), header
    [table_header] = (tmp_path / "records.line_items.csv").read_text(encoding="utf-8").splitlines()
    assert table_header.startswith("run_id,row,") and table_header.endswith(",page,quote"), table_header


def test_the_columns_a_table_csv_writes_beside_the_tables_own_are_the_names_a_column_may_not_take() -> None:
    assert {*TABLE_ROW_LEAD, *TABLE_ROW_TRAIL} == CSV_TABLE_COLUMNS
