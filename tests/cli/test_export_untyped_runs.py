"""`claimflow export` of runs that have no record says how many there were, not only `wrote 0 record(s)`.

A run that ended before a document type was accepted (a damaged file, a document of no known type) has no
record: an export of failed runs, or of runs waiting for review, wrote nothing and said nothing of them.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.integration._docs import invoice_text, run_cli, write


def test_runs_without_a_record_are_counted_and_the_export_passes(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "corrupt.pdf").write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 4)  # a PDF's head, then no PDF
    write(docs, "memo.txt", "Memo\nThe kitchen on the third floor is closed on Friday for cleaning.\n")
    write(docs, "invoice.txt", invoice_text("NW-2024-0900"))
    data = tmp_path / "data"
    ran = run_cli("run", docs, "--json", "--data-dir", data)
    statuses = {json.loads(line)["document"]: json.loads(line)["status"] for line in ran.stdout.splitlines()}
    assert statuses == {"corrupt.pdf": "failed", "memo.txt": "needs_review", "invoice.txt": "completed"}

    for status, out in (("failed", tmp_path / "failed.jsonl"), ("needs_review", tmp_path / "review.csv")):
        exported = run_cli("export", out, "--status", status, "--data-dir", data)
        assert exported.returncode == 0, exported.stderr  # nothing is missing: there is no record to write
        said = " ".join(exported.stderr.split())
        assert "wrote 0 record(s)" in said
        # A run in review has not ended: it waits for its reviewer to set a type.
        when = "ended" if status == "failed" else "stand"
        assert f"1 {status} run(s) have no record to write: they {when} before a document type was accepted" in said
        assert f"claimflow runs --status {status}" in said

    completed = run_cli("export", tmp_path / "done.jsonl", "--data-dir", data)
    assert completed.returncode == 0 and "wrote 1 record(s)" in completed.stderr
    assert "no record to write" not in completed.stderr
