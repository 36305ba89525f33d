"""`claimflow export` to a path under a file, not a folder: the message says so, not `File exists`."""

from __future__ import annotations

from pathlib import Path

from tests.integration._docs import flat, invoice_text, run_cli, write


def test_an_export_under_a_file_says_the_file_is_no_folder(tmp_path: Path) -> None:
    data = tmp_path / "data"
    invoice = write(tmp_path / "inbox", "invoice.txt", invoice_text())
    assert run_cli("run", invoice, "--data-dir", data).returncode == 0

    result = run_cli("export", invoice / "records.jsonl", "--data-dir", data)

    assert result.returncode == 2
    assert flat(result.stderr) == f"error: cannot write {invoice / 'records.jsonl'}: {invoice} is a file, not a folder"
