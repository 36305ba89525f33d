"""Invoice lines appear in the run view like a field, with one piece of evidence per line."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from claimflow.runtime.cli import app

INVOICE = """Harbour Stationery Ltd
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


def test_line_items_are_shown_with_their_evidence(tmp_path: Path) -> None:
    doc = tmp_path / "invoice.txt"
    doc.write_text(INVOICE)
    result = CliRunner().invoke(app, ["run", str(doc), "--json", "--data-dir", str(tmp_path / "data")])
    assert result.exit_code == 0, result.output
    view = json.loads(result.stdout.splitlines()[0])
    lines = view["fields"]["line_items"]
    assert lines["status"] == "accepted"
    assert [(i["description"], i["quantity"], i["unit_price"], i["amount"]) for i in lines["value"]] == [
        ("Copier paper A4", "2", "10.00", "20.00"),
        ("Gel pens, blue", "3", "5.00", "15.00"),
    ]
    pages = INVOICE.split("\f")
    for evidence in lines["evidence"]:
        assert pages[evidence["page"] - 1][evidence["start"] : evidence["end"]] == evidence["quote"]
    assert [e["quote"] for e in lines["evidence"]] == ["Copier paper A4 2 10.00 20.00", "Gel pens, blue 3 5.00 15.00"]
