"""`claimflow eval dataset` and `eval calibrate` on a labelled set of text invoices written by each test."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.cli.conftest import Invoke
from tests.integration._receiver import webhook_receiver

FIELDS = ("vendor_name", "invoice_number", "issue_date", "due_date", "currency", "net_amount", "tax_amount",
          "total_amount")  # fmt: skip
WRONG = {(2, "total_amount"): "999.99", (3, "invoice_number"): "INV-0000"}
"""Deliberately wrong labels: (document index, field) -> the label the manifest gives instead of the truth."""
WITH_DUE_DATE = (0, 1)


def _truth(index: int) -> dict[str, str]:
    net = 100 + 10 * index
    values = {
        "vendor_name": "Acme Supplies Ltd",
        "invoice_number": f"INV-{1001 + index}",
        "issue_date": f"2024-03-{5 + index:02d}",
        "currency": "EUR",
        "net_amount": f"{net}.00",
        "tax_amount": f"{net * 19 // 100}.00",
        "total_amount": f"{net + net * 19 // 100}.00",
    }
    if index in WITH_DUE_DATE:
        values["due_date"] = f"2024-04-{5 + index:02d}"
    return values


def _text(values: dict[str, str]) -> str:
    due = f"Due date: {values['due_date']}\n" if "due_date" in values else ""
    return (
        f"INVOICE\n{values['vendor_name']}\nInvoice number: {values['invoice_number']}\n"
        f"Invoice date: {values['issue_date']}\n{due}Net amount: {values['net_amount']} EUR\n"
        f"VAT: {values['tax_amount']} EUR\nTotal: {values['total_amount']} EUR\n"
    )


@pytest.fixture
def labelled(tmp_path: Path) -> Path:
    """Eight invoices and a manifest whose labels are right except the ones in WRONG."""
    folder = tmp_path / "labelled"
    (folder / "docs").mkdir(parents=True)
    lines = []
    for index in range(8):
        truth = _truth(index)
        (folder / "docs" / f"invoice-{index}.txt").write_text(_text(truth), encoding="utf-8")
        expected = {name: WRONG.get((index, name), value) for name, value in truth.items()}
        # Labels written the way people write them: other case and spacing, amounts without cents.
        expected["vendor_name"] = "ACME  supplies ltd"
        expected["net_amount"] = str(int(float(truth["net_amount"])))
        line = {"id": f"inv-{index}", "file": f"docs/invoice-{index}.txt", "doc_type": "invoice", "expected": expected}
        lines.append(json.dumps(line))
    (folder / "manifest.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def _figures(claimflow: Invoke, folder: Path, *args: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    result = claimflow("eval", "dataset", folder, "--json", *args, env=env)
    assert result.exit_code == 0, result.output
    figures: dict[str, Any] = json.loads(result.stdout)
    return figures


def test_dataset_counts_right_claimed_and_expected_values_per_field(claimflow: Invoke, labelled: Path) -> None:
    figures = _figures(claimflow, labelled, "--model", "rules")

    invoice = figures["types"]["invoice"]
    for name in FIELDS:
        claimed = sum(name in _truth(index) for index in range(8))
        wrong = sum(field == name for _, field in WRONG)
        assert invoice["fields"][name] == {
            "expected": claimed, "claimed": claimed, "right": claimed - wrong,
            "precision": (claimed - wrong) / claimed, "recall": (claimed - wrong) / claimed,
        }, name  # fmt: skip
    assert figures["documents"] == invoice["documents"] == 8
    assert invoice["classification_rate"] == 1.0
    assert invoice["exact_match_rate"] == (8 - len(WRONG)) / 8
    # The default policy reviews the vendor's name (the rules model is unsure of names): nothing completes.
    assert invoice["completion_rate"] == 0.0
    assert invoice["auto_accepted"] == 0 and invoice["auto_accepted_precision"] is None
    assert invoice["review_reasons"] == {"low_confidence_field": 8}
    # The rules backend answers classify and extract for each invoice: two calls, no tokens, no cost.
    assert figures["usage"]["calls"] == invoice["usage"]["calls"] == 16
    assert (invoice["usage"]["input_tokens"], invoice["usage"]["cost"], invoice["usage"]["cost_per_document"]) == (
        0,
        0,
        0,
    )
    # Each wrong label is a miss: the value the page gives against the label, seen by a reviewer.
    assert [(m["document"], m["field"], m["wrong"], m["missed"], m["expected"], m["unreviewed"])
            for m in figures["misses"]] == [
        ("inv-2", "total_amount", [_truth(2)["total_amount"]], 1, "999.99", False),
        ("inv-3", "invoice_number", [_truth(3)["invoice_number"]], 1, "INV-0000", False),
    ]  # fmt: skip


def test_dataset_prints_a_table_per_type(claimflow: Invoke, labelled: Path) -> None:
    result = claimflow("eval", "dataset", labelled)

    assert result.exit_code == 0, result.output
    assert "8 documents: completed 0.0%, exact match 75.0%" in result.stdout
    assert _row(result.stdout, "total_amount") == ["total_amount", "8", "8", "7", "87.5%", "87.5%"]
    assert "model use: 16 call(s), 0 tokens in, 0 out, cost 0.0000 (0.0000 a document)" in result.stdout
    assert "misses: 2 field(s) wrong or missing, 0 with wrong values accepted without review (--misses lists them)" in (
        result.stdout
    )
    assert "inv-2" not in result.stdout


def test_dataset_lists_the_misses_on_request(claimflow: Invoke, labelled: Path) -> None:
    result = claimflow("eval", "dataset", labelled, "--misses")

    assert result.exit_code == 0, result.output
    assert _row(result.stdout, "inv-2") == ["inv-2", "total_amount", '"142.00"', "1", '"999.99"', "needs_review"]
    assert _row(result.stdout, "inv-3") == ["inv-3", "invoice_number", '"INV-1004"', "1", '"INV-0000"', "needs_review"]


def _row(table: str, first: str) -> list[str]:
    """The cells of the table row that starts with `first`."""
    for line in table.splitlines():
        cells = [cell.strip() for cell in line.strip("│ ").split("│")]
        if cells[0] == first:
            return cells
    raise AssertionError(f"no row {first!r} in:\n{table}")


def test_calibrated_thresholds_reach_the_target_through_the_policy(
    claimflow: Invoke, labelled: Path, tmp_path: Path
) -> None:
    policy = tmp_path / "policy.json"
    result = claimflow(
        "eval", "calibrate", labelled, "--target-precision", "0.5", "--min-samples", "3", "--out", policy
    )
    assert result.exit_code == 0, result.output

    thresholds = json.loads(policy.read_text())["field_thresholds"]["invoice"]
    # Two due dates are fewer values than a threshold needs.
    assert thresholds["due_date"] == "always_review"
    assert "│ invoice │ due_date       │ always review │ 2 │ 100.0%" in result.stdout
    assert all(isinstance(thresholds[name], float) for name in FIELDS if name != "due_date")

    figures = _figures(claimflow, labelled, env={"CLAIMFLOW_POLICY": str(policy)})
    invoice = figures["types"]["invoice"]
    # The six invoices without a due date complete; their values include the two wrong labels.
    assert invoice["completion_rate"] == 6 / 8
    assert invoice["review_reasons"] == {"low_confidence_field": 2}
    assert invoice["auto_accepted"] == 6 * 7
    assert invoice["auto_accepted_precision"] == (6 * 7 - 2) / (6 * 7)
    assert invoice["auto_accepted_precision"] >= 0.5
    # Those two went into the record unreviewed: the misses say so, and list them first.
    assert [(m["document"], m["unreviewed"]) for m in figures["misses"]] == [("inv-2", True), ("inv-3", True)]


def test_calibrate_reports_each_fields_curve(claimflow: Invoke, labelled: Path, tmp_path: Path) -> None:
    page, notes = tmp_path / "calibration.html", tmp_path / "calibration.md"
    for report in (page, notes):
        result = claimflow("eval", "calibrate", labelled, "--target-precision", "0.6", "--min-samples", "3",
                           "--out", tmp_path / "policy.json", "--report", report)  # fmt: skip
        assert result.exit_code == 0, result.output

    text = page.read_text()
    assert "<script" not in text and "http://" not in text.replace("http://www.w3.org/2000/svg", "")
    sections = text.split("<section>")[1:]
    assert len(sections) == len(FIELDS)  # one curve per claimed field
    total = next(section for section in sections if section.startswith("<h2>invoice.total_amount</h2>"))
    # Every total was claimed at one confidence: one point, 8 values, 7 right (one label is wrong on purpose).
    assert total.count("<svg") == 1 and "class='precision'" in total and "class='bound'" in total
    assert "<td>8</td><td>7</td><td>0.875</td>" in total
    # 7 of 8 has a lower bound of 0.53, under 0.6: always review, and no threshold line is drawn. 8 of 8: 0.68.
    assert "always review" in total and "class='threshold'" not in total
    currency = next(section for section in sections if section.startswith("<h2>invoice.currency</h2>"))
    assert "auto-accept at confidence" in currency and "class='threshold'" in currency
    assert "## invoice.total_amount" in notes.read_text()


@pytest.mark.parametrize(
    ("line", "complaint"),
    [
        ('{"id": "x", "file": "docs/nowhere.txt", "doc_type": "invoice"}', "'docs/nowhere.txt' not found"),
        ('{"id": "x", "file": "docs/invoice-0.txt", "doc_type": "payslip"}', "unknown doc_type 'payslip'; active"),
        # A misspelt type is named with the one it is near, as a golden case's field is.
        ('{"id": "x", "file": "docs/invoice-0.txt", "doc_type": "invoce"}',
         "unknown doc_type 'invoce' (did you mean 'invoice'?); active types: invoice, receipt, contract"),
        ('{"id": "x", "file": "docs/invoice-0.txt", ', "not valid JSON"),
        # A label no claim could ever match: not an amount at all.
        ('{"id": "x", "file": "docs/invoice-0.txt", "doc_type": "invoice", "expected": {"total_amount": "lots"}}',
         "'total_amount': label \"lots\" cannot be read as an amount"),
        # The baseline keys documents by id: two under one were compared with each other's fingerprints.
        ('{"id": "inv-0", "file": "docs/invoice-1.txt", "doc_type": "invoice", "expected": {}}',
         "id 'inv-0' is already the id of line 1; give each document its own"),
    ],
)  # fmt: skip
def test_a_bad_manifest_line_is_named_by_its_number(
    claimflow: Invoke, labelled: Path, line: str, complaint: str
) -> None:
    manifest = labelled / "manifest.jsonl"
    lines = manifest.read_text().splitlines()
    manifest.write_text("\n".join([*lines[:2], line, *lines[2:]]) + "\n")

    result = claimflow("eval", "dataset", labelled)

    assert result.exit_code == 2
    assert "manifest.jsonl:3: " in " ".join(result.stderr.split())
    assert complaint in " ".join(result.stderr.split())


def test_labels_of_fields_the_type_does_not_have_are_named_and_a_misspelling_gets_its_field(
    claimflow: Invoke, labelled: Path
) -> None:
    manifest = labelled / "manifest.jsonl"
    lines = [json.loads(line) for line in manifest.read_text().splitlines()]
    for line in lines[:3]:
        line["expected"]["totl_amount"] = line["expected"].pop("total_amount")  # a misspelling, on three lines
    lines[0]["expected"]["swift_code"] = "COBADEFFXXX"  # labelled, but the type does not extract it
    manifest.write_text("\n".join(json.dumps(line) for line in lines) + "\n")

    figures = _figures(claimflow, labelled)
    assert figures["unmeasured_labels"] == [
        {"doc_type": "invoice", "field": "swift_code", "documents": 1, "nearest": None},
        {"doc_type": "invoice", "field": "totl_amount", "documents": 3, "nearest": "total_amount"},
    ]
    assert figures["types"]["invoice"]["fields"]["total_amount"]["expected"] == 5  # the three are not counted
    printed = " ".join(claimflow("eval", "dataset", labelled).stdout.split())
    assert (
        "not measured, invoice has no such field: swift_code (1 document), "
        "totl_amount (3 documents; did you mean total_amount?)" in printed
    )


def test_fields_no_document_labels_are_not_measured(claimflow: Invoke, labelled: Path) -> None:
    # Every invoice prints its title, so the rules read its kind; the set labels no kind, and says nothing of it.
    figures = _figures(claimflow, labelled, "--model", "rules")
    unlabelled = ["amount_due", "buyer_name", "vendor_tax_id", "order_number", "iban", "invoice_type",
                  "invoice_type_code", "line_items"]  # fmt: skip
    assert figures["unlabelled_fields"] == {"invoice": unlabelled}
    assert list(figures["types"]["invoice"]["fields"]) == list(FIELDS)
    assert not any(miss["field"] == "invoice_type" for miss in figures["misses"])
    printed = " ".join(claimflow("eval", "dataset", labelled).stdout.split())
    assert f"not measured, no document labels invoice's {', '.join(unlabelled)}" in printed


def test_a_file_listed_twice_spends_and_counts_its_model_calls_once(claimflow: Invoke, labelled: Path) -> None:
    manifest = labelled / "manifest.jsonl"
    first = manifest.read_text(encoding="utf-8").splitlines()[0]
    again = json.dumps({**json.loads(first), "id": "inv-0-again"})
    manifest.write_text(f"{first}\n{again}\n", encoding="utf-8")

    figures = _figures(claimflow, labelled, "--model", "rules")

    # One run read the file (classify and extract: two calls); both listings are scored against it.
    assert figures["documents"] == 2
    assert figures["usage"]["calls"] == figures["types"]["invoice"]["usage"]["calls"] == 2


def test_an_evaluation_reaches_neither_production_delivery_nor_its_database(claimflow: Invoke, labelled: Path) -> None:
    # With production's settings in the environment, the labelled set's records went where production's go.
    with webhook_receiver("secret") as receiver:
        env = {
            "CLAIMFLOW_DELIVER": f"webhook:{receiver.url}",
            "CLAIMFLOW_DELIVER_SECRET": "secret",
            "CLAIMFLOW_DATABASE_URL": "postgresql://nobody@127.0.0.1:1/production",  # nothing listens there
            "CLAIMFLOW_EXECUTION": "queue",
            "CLAIMFLOW_FIELD_AUTO_ACCEPT": "0.5",  # so that runs complete, and would be delivered
        }
        figures = _figures(claimflow, labelled, env=env)

    assert figures["documents"] == 8 and figures["types"]["invoice"]["completion_rate"] > 0  # made, in process
    assert receiver.received == []
