"""`claimflow show` of a run that failed before any field was read: its error, and no empty fields table."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import Invoke
from tests.integration._docs import invoice_text, write


def test_a_run_that_read_no_fields_says_so_instead_of_an_empty_table(tmp_path: Path, claimflow: Invoke) -> None:
    corrupt = tmp_path / "corrupt.pdf"
    corrupt.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 8)
    data = tmp_path / "data"
    ran = claimflow("run", corrupt, "--json", "--data-dir", data)
    assert ran.exit_code == 1, ran.output
    run_id = json.loads(ran.stdout.splitlines()[0])["run_id"]

    shown = claimflow("show", run_id, "--data-dir", data)
    as_json = claimflow("show", run_id, "--json", "--data-dir", data)

    assert shown.exit_code == 0, shown.output
    lines = shown.stdout.splitlines()
    assert lines[0].split()[2] == "failed" and lines[1].startswith("error: The PDF could not be")
    assert lines[2:] == ["no fields were read"]  # no table: not even its header
    view = json.loads(as_json.stdout)
    assert (view["status"], view["fields"]) == ("failed", {})  # --json keeps the empty mapping


def test_a_run_with_fields_still_shows_its_table(tmp_path: Path, claimflow: Invoke) -> None:
    invoice = write(tmp_path, "invoice.txt", invoice_text("NW-2024-0117"))
    data = tmp_path / "data"
    run_id = json.loads(claimflow("run", invoice, "--json", "--data-dir", data).stdout.splitlines()[0])["run_id"]

    shown = claimflow("show", run_id, "--data-dir", data)

    assert "no fields were read" not in shown.stdout
    assert "evidence" in shown.stdout.splitlines()[2] and "NW-2024-0117" in shown.stdout  # the header, then rows
