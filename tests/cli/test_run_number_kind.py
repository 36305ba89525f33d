"""A packing list whose type declares `number` fields, read offline by `claimflow run --types` and exported.

`Gross weight: 14.555 kg` is a weight of fourteen kilograms and a bit where the document marks decimals with a dot
(`12.5 kg` says so), a number of fourteen thousand where it marks them with a comma (`0,5 kg`); where nothing on
the page says which, the label-driven extractor takes the common reading, 14.555, and the run waits for review,
saying which value and which cells read two ways. A
table's `Qty` column is read the same way (`1,250 pcs` is 1250 beside `12.5 kg`, `1.250 pcs` beside `0,5 kg`),
a type's rule reads them with `doc.number` and `row.number`, and the export writes them as numbers. The
documents are synthetic.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from tests.integration._docs import json_lines, run_cli, write

TYPES = """
from decimal import Decimal

from claimflow import Column, DocumentType, Field, RuleInput, RuleResult, rule


@rule("packages_weigh_the_gross_weight", fields=["gross_weight", "packages"])
def packages_weigh_the_gross_weight(doc: RuleInput) -> RuleResult | None:
    total, rows = doc.number("gross_weight"), doc.rows("packages")
    if total is None or not rows:
        return None
    weights = sum((row.number("weight") or Decimal(0) for row in rows), Decimal(0))
    return doc.check(weights == total, f"packages {weights} vs gross weight {total}")


SHIPMENT = DocumentType(
    name="shipment",
    description="A packing list: the gross weight and the packages.",
    titles=("Packing List",),
    fields=[
        Field("shipment_number", "identifier", required=True, labels=("Shipment No.",)),
        Field("gross_weight", "number", required=True, labels=("Gross weight",)),
        Field("packages", "table", columns=[
            Column("description", "text", labels=("Description",)),
            Column("quantity", "number", required=True, labels=("Qty",)),
            Column("weight", "number", required=True, labels=("Weight",)),
        ]),
    ],
    rules=[packages_weigh_the_gross_weight],
)
"""

LIST = (
    "Packing List\n"
    "Shipment No.: SH-2024-118\n"
    "Gross weight: 14.555 kg\n"
    "{tare}"
    "\n"
    "Description         Qty        Weight\n"
    "Cartons             {qty} pcs  {first} kg\n"
    "Pallet              1          {second} kg\n"
)


@pytest.mark.parametrize(
    ("tare", "qty", "first", "second", "gross", "weights"),
    [
        ("", "1,250", "12.5", "2.055", "14.555", ["12.5", "2.055"]),
        ("Tare: 0,5 kg\n", "1.250", "12.555", "2.000", "14555", ["12555", "2000"]),
        ("", "1,250", "12", "2.555", "14.555", ["12", "2.555"]),
    ],
    ids=["dot-marks-decimals", "comma-marks-decimals", "unsettled"],
)
def test_a_declared_number_is_read_as_the_document_marks_decimals_and_exported_as_a_number(
    tmp_path: Path, tare: str, qty: str, first: str, second: str, gross: str, weights: list[str]
) -> None:
    page = LIST.format(tare=tare, qty=qty, first=first, second=second)
    write(tmp_path, "ship_types.py", TYPES)
    write(tmp_path / "docs", "list.txt", page)
    types = ("--types", f"{tmp_path / 'ship_types.py'}:SHIPMENT")
    done = run_cli("run", tmp_path / "docs", "--json", "--data-dir", tmp_path / "data", "--model", "rules", *types)
    [view] = json_lines(done.stdout)
    fields = view["fields"]
    assert fields["gross_weight"]["value"] == gross
    if "2.555" in weights:  # nothing on the page says which mark: the common reading, for review to confirm
        unsettled = "the document's figures do not show whether a dot or a comma marks its decimals"
        assert view["status"] == "needs_review"
        assert view["review_reasons"] == [
            "ambiguous_value: gross_weight = '14.555' is in doubt: the page writes 'Gross weight: 14.555 kg', "
            f"which reads 14.555 or 14555: {unsettled}",
            "ambiguous_value: packages: 2 cell(s) in doubt: row 1: quantity: the page writes "
            f"'Cartons             1,250 pcs  12 kg', which reads 1250 or 1.25: {unsettled}",
        ]
        # The reviewer's view lists every cell in doubt, row by row, in words and in JSON.
        shown = run_cli("review", "show", view["run_id"], "--data-dir", tmp_path / "data", *types)
        assert shown.returncode == 0, shown.stderr
        doubts = [line.strip() for line in shown.stdout.splitlines() if line.strip().startswith("in doubt:")]
        assert doubts == [
            "in doubt: row 1: quantity: the page writes 'Cartons             1,250 pcs  12 kg', which reads 1250 or "
            f"1.25: {unsettled}",
            f"in doubt: row 2: weight: the page writes 'Pallet              1          2.555 kg', which reads 2.555 "
            f"or 2555: {unsettled}",
        ]
        explained = run_cli("explain", view["run_id"], "--data-dir", tmp_path / "data", *types)
        assert explained.stdout.count("in doubt: quantity: the page writes 'Cartons") == 1  # under its row
        assert explained.stdout.count("in doubt: weight: the page writes 'Pallet") == 1
        as_json = run_cli("review", "show", view["run_id"], "--json", "--data-dir", tmp_path / "data", *types)
        [review] = json_lines(as_json.stdout)
        [table] = review["tables"]
        assert [len(row["doubts"]) for row in table["rows"]] == [1, 1]
        return
    assert (view["status"], view["review_reasons"]) == ("completed", []), view
    rows = fields["packages"]["value"]
    assert [(row["quantity"], row["weight"]) for row in rows] == [("1250", weights[0]), ("1", weights[1])]

    out = tmp_path / "list.csv"
    exported = run_cli("export", out, "--type", "shipment", "--data-dir", tmp_path / "data", *types)
    assert exported.returncode == 0, exported.stdout + exported.stderr
    [record] = list(csv.DictReader(out.read_text(encoding="utf-8").splitlines()))
    assert record["gross_weight"] == gross
    table = list(csv.DictReader(out.with_name("list.packages.csv").read_text(encoding="utf-8").splitlines()))
    assert [row["quantity"] for row in table] == ["1250", "1"]
    jsonl = tmp_path / "list.jsonl"
    assert run_cli("export", jsonl, "--data-dir", tmp_path / "data", *types).returncode == 0
    [line] = jsonl.read_text(encoding="utf-8").splitlines()
    assert json.loads(line)["gross_weight"]["value"] == gross
