"""`eval dataset` and `eval calibrate` on tables and multiple fields: generated invoices and contracts, wrong labels.

Every figure below is counted from what the test wrote (which rows each invoice prints, which labels are
wrong), not from the scoring code.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from claimflow.evals.generators import text_contract, text_invoice
from tests.cli.conftest import Invoke

Item = tuple[str, int, str]
COLUMNS = ("description", "quantity", "unit_price", "amount")
PRINTED: list[list[Item]] = [
    [("Flyers A5 (1000)", 2, "60.00"), ("Posters A2", 5, "6.00")],
    [("Banner 2m", 1, "45.00"), ("Stickers", 10, "1.50"), ("Cards", 4, "2.25")],
    [("Leaflets", 3, "12.00"), ("Envelopes", 20, "0.40")],
    [("Menus", 6, "4.50")],
]
"""The item rows each generated invoice prints."""


def _row(item: Item) -> dict[str, str]:
    name, quantity, price = item
    return {"description": name, "quantity": str(quantity), "unit_price": price,
            "amount": str(Decimal(price) * quantity)}  # fmt: skip


def _labelled_rows(index: int) -> list[dict[str, str]]:
    """The rows the manifest gives: invoice 0 in reverse order (right), 1 with a wrong amount, 2 missing a
    printed row, 3 with an extra row that is not printed."""
    rows = [_row(item) for item in PRINTED[index]]
    if index == 0:
        return rows[::-1]
    if index == 1:
        rows[1]["amount"] = "16.00"  # printed: 15.00
    if index == 2:
        return rows[:1]
    if index == 3:
        rows.append(_row(("Delivery", 1, "5.00")))
    return rows


def _invoice_fields(index: int) -> dict[str, str]:
    net = sum((Decimal(price) * quantity for _, quantity, price in PRINTED[index]), Decimal(0))
    vat = (net * Decimal("0.20")).quantize(Decimal("0.01"))
    return {
        "vendor_name": "Brightline Print Services Ltd", "invoice_number": f"BPS-2024-03{index:02d}",
        "issue_date": "2024-03-14", "due_date": "2024-04-13", "currency": "GBP",
        "net_amount": str(net), "tax_amount": str(vat), "total_amount": str(net + vat),
    }  # fmt: skip


CONTRACTS = [
    (("Orion Data Systems, Inc.", "Kestrel Analytics LLC"), ["kestrel  analytics llc", "ORION DATA SYSTEMS, INC."]),
    (("Harbor Point Logistics LLC", "Bluefin Software, Inc."),
     ["Harbor Point Logistics LLC", "Bluefin Software Corp."]),
    (("Granite Peak Holdings, Inc.", "Willow Creek Partners LLC"),
     ["Granite Peak Holdings, Inc.", "Willow Creek Partners LLC", "Third Party Ltd"]),
]  # fmt: skip
"""(the parties printed, the parties labelled): 0 right in another order and case, 1 with one wrong party,
2 with a party the contract does not name."""


@pytest.fixture
def labelled(tmp_path: Path) -> Path:
    folder = tmp_path / "labelled"
    docs = folder / "docs"
    docs.mkdir(parents=True)
    lines: list[dict[str, Any]] = []
    for index, items in enumerate(PRINTED):
        name = f"invoice-{index}.txt"
        text_invoice(docs, filename=name, items=items, number=f"BPS-2024-03{index:02d}")
        expected = {**_invoice_fields(index), "line_items": _labelled_rows(index)}
        lines.append({"id": f"inv-{index}", "file": f"docs/{name}", "doc_type": "invoice", "expected": expected})
    # An invoice whose rows nobody labelled: its table is not scored, its other fields are.
    unlabelled = text_invoice(docs, filename="invoice-x.txt", items=PRINTED[0], number="BPS-2024-0399")
    expected = {**_invoice_fields(0), "invoice_number": "BPS-2024-0399"}
    lines.append({"id": "inv-x", "file": f"docs/{unlabelled.name}", "doc_type": "invoice", "expected": expected})
    for index, ((first, second), parties) in enumerate(CONTRACTS):
        name = f"contract-{index}.txt"
        text_contract(docs, filename=name, first=first, second=second)
        expected = {"parties": parties, "effective_date": "2021-06-03", "jurisdiction": "New York", "term": "3 years"}
        lines.append({"id": f"nda-{index}", "file": f"docs/{name}", "doc_type": "contract", "expected": expected})
    (folder / "manifest.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    return folder


def _figures(claimflow: Invoke, folder: Path) -> dict[str, Any]:
    result = claimflow("eval", "dataset", folder, "--json", "--model", "rules")
    assert result.exit_code == 0, result.output
    figures: dict[str, Any] = json.loads(result.stdout)
    return figures


def _counts(expected: int, claimed: int, right: int) -> dict[str, Any]:
    precision = right / claimed if claimed else None
    recall = right / expected if expected else None
    return {"expected": expected, "claimed": claimed, "right": right, "precision": precision, "recall": recall}


def test_table_cells_are_scored_per_column_with_rows_matched_by_overlap(claimflow: Invoke, labelled: Path) -> None:
    invoice = _figures(claimflow, labelled)["types"]["invoice"]

    printed = sum(len(items) for items in PRINTED)
    labelled_rows = sum(len(_labelled_rows(index)) for index in range(len(PRINTED)))
    both = printed - 1  # every printed row is labelled but invoice 2's second
    for column in COLUMNS:
        wrong = 1 if column == "amount" else 0  # invoice 1's Stickers row
        assert invoice["fields"][f"line_items.{column}"] == _counts(labelled_rows, printed, both - wrong), column
    # The single-value fields are all labelled right: the table's labels alone decide exact match.
    assert invoice["fields"]["total_amount"] == _counts(5, 5, 5)
    # Invoice 0, whose rows are right in another order, and the one whose rows are not labelled.
    assert invoice["exact_match_rate"] == 2 / 5


def test_a_multiple_field_is_scored_as_a_set_of_values(claimflow: Invoke, labelled: Path) -> None:
    contract = _figures(claimflow, labelled)["types"]["contract"]

    printed = 2 * len(CONTRACTS)
    expected = sum(len(parties) for _, parties in CONTRACTS)
    right = printed - 1  # contract 1's "Bluefin Software, Inc." is labelled "Bluefin Software Corp."
    assert contract["fields"]["parties"] == _counts(expected, printed, right)
    assert contract["exact_match_rate"] == 1 / 3


def test_the_table_shows_a_row_per_column(claimflow: Invoke, labelled: Path) -> None:
    result = claimflow("eval", "dataset", labelled, "--model", "rules")

    assert result.exit_code == 0, result.output
    rows = [[cell.strip() for cell in line.strip("│ ").split("│")] for line in result.stdout.splitlines()]
    assert ["line_items.amount", "8", "8", "6", "75.0%", "75.0%"] in rows
    assert ["parties", "7", "6", "5", "83.3%", "71.4%"] in rows


def test_calibrate_takes_each_party_with_its_own_confidence_and_writes_no_column_threshold(
    claimflow: Invoke, labelled: Path, tmp_path: Path
) -> None:
    policy = tmp_path / "policy.json"
    result = claimflow(
        "eval", "calibrate", labelled, "--target-precision", "0.2", "--min-samples", "6", "--out", policy,
        "--model", "rules",
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    rows = [[cell.strip() for cell in line.strip("│ ").split("│")] for line in result.stdout.splitlines()]
    parties = next(row for row in rows if row[:2] == ["contract", "parties"])
    # Six values claimed (two per contract), five right: one sample each, not one per contract.
    assert (parties[3], parties[4]) == ("6", "83.3%")
    thresholds = json.loads(policy.read_text())["field_thresholds"]
    assert isinstance(thresholds["contract"]["parties"], float)
    # Rows are claimed without a confidence: their columns have nothing to calibrate on.
    assert not any(name.startswith("line_items") for name in thresholds["invoice"])
    assert not any(row[1].startswith("line_items") for row in rows if len(row) > 1)


@pytest.mark.parametrize(
    ("expected", "complaint"),
    [
        ({"line_items": {"amount": "1.00"}}, "'line_items' is a table: its label is a list of row objects"),
        ({"line_items": [{"price": "1.00"}]}, "'line_items' row 1: unknown column 'price'; columns: description"),
        ({"line_items": ["1.00"]}, "'line_items' row 1 is not an object of column values"),
        ({"total_amount": ["1.00", "2.00"]}, "'total_amount' takes one value, not"),
    ],
)  # fmt: skip
def test_a_label_of_the_wrong_shape_is_named_with_its_line(
    claimflow: Invoke, labelled: Path, expected: dict[str, Any], complaint: str
) -> None:
    manifest = labelled / "manifest.jsonl"
    lines = manifest.read_text().splitlines()
    bad = {"id": "x", "file": "docs/invoice-0.txt", "doc_type": "invoice", "expected": expected}
    manifest.write_text("\n".join([lines[0], json.dumps(bad), *lines[1:]]) + "\n")

    result = claimflow("eval", "dataset", labelled)

    assert result.exit_code == 2
    said = " ".join(result.stderr.split())
    assert "manifest.jsonl:2: " in said
    assert complaint in said
