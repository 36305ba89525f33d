"""Under a batch's table, one line says how it went: documents by status, and the inputs not read."""

from __future__ import annotations

from pathlib import Path

from claimflow.runtime.cli.documents import batch_summary
from tests.cli.conftest import Invoke
from tests.integration._docs import MEMO, invoice_text, write


def test_the_batch_ends_with_its_documents_by_status_and_the_inputs_skipped(claimflow: Invoke, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    write(docs, "a-invoice.txt", invoice_text("NW-2024-0301"))
    write(docs, "b-invoice.txt", invoice_text("NW-2024-0302"))
    write(docs, "c-memo.txt", MEMO)
    (docs / "d-broken.pdf").write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 4)
    (docs / "e-gone.txt").symlink_to(tmp_path / "nowhere.txt")  # a dangling link: skipped, not a run

    done = claimflow("run", docs, "--data-dir", tmp_path / "data")

    assert done.exit_code == 1, done.output  # a document failed
    last = done.stdout.strip().splitlines()[-1]
    assert last == "4 document(s): 2 completed, 1 needs_review, 1 failed; 1 skipped"


def test_the_summary_counts_every_status_a_batch_can_leave_and_only_those() -> None:
    views = [{"status": status} for status in ("delivery_failed", "completed", "failed", "completed", "rejected")]
    assert batch_summary(views, skipped=0) == "5 document(s): 2 completed, 1 failed, 1 rejected, 1 delivery_failed"
