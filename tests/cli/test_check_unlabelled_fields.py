"""`claimflow check` warns of fields the offline rules backend can never read: value fields declared without labels.

Such a field was never claimed under `--model rules`, and a required one sent every document of its type to review
as `missing_required`, with nothing saying the declaration was the cause.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.integration._docs import run_cli, write

NOTE_TYPE = """
from claimflow import Column, DocumentType, Field

NOTE = DocumentType(
    name="delivery_note",
    description="A delivery note.",
    titles=("Delivery Note",),
    fields=[
        Field("note_number", "identifier", required=True),
        Field("carrier", "text"),
        Field("shipped", "date", required=True, labels=("Shipped",)),
        Field("items", "table", columns=[Column("sku", "identifier"), Column("qty", "amount", required=True)]),
    ],
)
"""


def _types_check(*args: str | Path) -> dict[str, str]:
    ran = run_cli("check", "--json", *args)
    checks = {item["check"]: item for item in map(json.loads, ran.stdout.splitlines())}
    return checks["types"]


def test_fields_without_labels_are_named_for_the_rules_backend(tmp_path: Path) -> None:
    types = write(tmp_path, "note_types.py", NOTE_TYPE)
    found = _types_check("--types", types, "--data-dir", tmp_path / "data")
    assert found["outcome"] == "warning"
    assert found["detail"].endswith(
        "the offline rules backend never reads a field without labels: delivery_note.note_number (required),"
        " delivery_note.carrier; declare labels=(...), the words documents print before each value"
    )
    # The run bears it out: the number printed beside its name is not read.
    doc = write(tmp_path, "dn.txt", "DELIVERY NOTE\nNote Number: DN-1\nShipped: 2024-01-02\n\nsku   qty\nA-1   2\n")
    ran = run_cli("run", doc, "--json", "--types", types, "--data-dir", tmp_path / "data")
    view = json.loads(ran.stdout.splitlines()[0])
    assert (view["fields"]["note_number"]["status"], view["fields"]["items"]["status"]) == ("missing", "accepted")


def test_the_builtin_types_and_a_model_backend_give_no_warning(tmp_path: Path) -> None:
    assert _types_check("--data-dir", tmp_path / "data")["outcome"] == "ok"
    types = write(tmp_path, "note_types.py", NOTE_TYPE)
    live = _types_check("--types", types, "--model", "openai:gpt-4o-mini", "--data-dir", tmp_path / "data")
    assert live["outcome"] == "ok"
