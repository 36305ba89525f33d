"""`claimflow types`: the active document types, each with its extraction prompt and where it came from."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from typer.testing import Result

from claimflow.doctypes import BUILTIN_TYPES
from claimflow.prompts import extract_prompt
from tests.integration._docs import flat, json_lines, run_cli, write

Invoke = Callable[..., Result]

BUILTIN_SOURCE = "entry point builtin (claimflow "

DELIVERY_NOTE = """
from claimflow import DocumentType, Field

DELIVERY_NOTE = DocumentType(
    name="delivery_note",
    description="A note that lists the goods handed over on delivery.",
    fields=[Field("note_number", "identifier", required=True, labels=("Delivery Note No.",))],
)
"""


VERSIONS = {"invoice": 4, "receipt": 2, "contract": 2}
"""The built-in types' versions: the invoice's third added its buyer, VAT id, payment details and kind; its fourth
reads a line's quantity as a number, not an amount."""


def test_types_json_lists_the_three_builtins_with_prompt_refs_and_their_source(claimflow: Invoke) -> None:
    result = claimflow("types", "--json")
    assert result.exit_code == 0, result.output
    listed = json_lines(result.stdout)
    assert [item["name"] for item in listed] == ["invoice", "receipt", "contract"]
    for item, doc_type in zip(listed, BUILTIN_TYPES, strict=True):
        prompt = extract_prompt(doc_type)
        assert (item["prompt"], item["prompt_hash"]) == (prompt.ref, prompt.content_hash)
        assert item["prompt"] == f"extract_{doc_type.name}@{VERSIONS[doc_type.name]}"
        assert item["version"] == doc_type.version
        assert item["source"].startswith(BUILTIN_SOURCE), item["source"]
        assert item["target"] == "claimflow.doctypes:BUILTIN_TYPES"
        assert item["file"] is not None and Path(item["file"]).parent.name == "doctypes"
        assert [field["name"] for field in item["fields"]] == [spec.name for spec in doc_type.fields]
        assert [rule["name"] for rule in item["rules"]] == [rule.name for rule in doc_type.rules]
        assert item["extractor"] == f"claimflow.doctypes.{doc_type.name}.extract_{doc_type.name}"


def test_types_json_describes_the_invoice_item_table_and_its_rules(claimflow: Invoke) -> None:
    invoice = json_lines(claimflow("types", "--json").stdout)[0]
    line_items = next(field for field in invoice["fields"] if field["name"] == "line_items")
    assert line_items["kind"] == "table"
    assert [column["name"] for column in line_items["columns"]] == ["description", "quantity", "unit_price", "amount"]
    assert invoice["duplicate_key"] == ["vendor_name", "invoice_number"]
    assert invoice["risk_field"] == "total_amount"
    assert "invoice_number_not_seen_for_vendor" in [rule["name"] for rule in invoice["rules"]]


def test_types_table_names_each_type_its_prompt_and_where_it_came_from(claimflow: Invoke) -> None:
    result = claimflow("types")
    assert result.exit_code == 0, result.output
    rows = [line for line in result.stdout.splitlines() if line.startswith("│ ") and not line.startswith("│  ")]
    assert [row.split("│")[1].strip() for row in rows] == ["invoice", "receipt", "contract"]
    for row, name in zip(rows, ("invoice", "receipt", "contract"), strict=True):
        assert f"extract_{name}@{VERSIONS[name]}" in row
        assert BUILTIN_SOURCE in row
    assert "line_items:table(description, quantity, unit_price, amount)" in flat(result.stdout)
    assert "vendor_name:text*" in result.stdout  # * marks a required field
    assert "3 active type(s)" in result.stderr


def test_a_type_named_with_types_is_listed_after_the_builtins_with_its_file(claimflow: Invoke, tmp_path: Path) -> None:
    declared = tmp_path / "delivery_note.py"
    declared.write_text(DELIVERY_NOTE, encoding="utf-8")
    result = claimflow("types", "--json", "--types", f"{declared}:DELIVERY_NOTE")
    assert result.exit_code == 0, result.output
    listed = json_lines(result.stdout)
    assert [item["name"] for item in listed] == ["invoice", "receipt", "contract", "delivery_note"]
    added = listed[-1]
    assert (added["prompt"], added["source"]) == ("extract_delivery_note@1", "--types/CLAIMFLOW_TYPES")
    assert added["file"] == str(declared)
    assert added["extractor"] is None  # read by the label-driven extractor


def test_types_refuses_a_target_that_does_not_load_with_exit_2(claimflow: Invoke, tmp_path: Path) -> None:
    result = claimflow("types", "--types", str(tmp_path / "missing.py"))
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert f"--types/CLAIMFLOW_TYPES: {tmp_path / 'missing.py'} is not a file" in flat(result.stderr)


TWO_TYPES = """
from claimflow import DocumentType, Field

MEMO = DocumentType(name="memo", description="A memo.", fields=[Field("sent", "date", labels=("Sent",))])
NOTE = DocumentType(name="note", description="A note.", fields=[Field("read", "date", labels=("Read",))])
"""


def test_each_type_is_listed_with_the_file_and_line_that_declares_it(tmp_path: Path) -> None:
    # Two types of one file were listed with the same file; file:line tells them apart and opens in an editor.
    declared = write(tmp_path, "two_types.py", TWO_TYPES)
    listed = run_cli("types", "--json", "--types", declared)
    assert listed.returncode == 0, listed.stderr
    found = {item["name"]: item["declared_at"] for item in json_lines(listed.stdout)}
    assert (found["memo"], found["note"]) == (f"{declared}:4", f"{declared}:5")
    assert found["invoice"].split("doctypes/")[-1].startswith("invoice.py:")
    table = run_cli("types", "--types", declared)
    assert f"{declared}:4" in table.stdout and f"{declared}:5" in table.stdout
