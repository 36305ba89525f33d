"""Blobs no run uses do not stay for good: intake does not store a known document again, and a prune sweeps the rest.

Intake stores a document's bytes before it registers the run; bytes that end up referenced by no run (a file
sent again after its run was pruned, the loser of two uploads racing under one key, bytes an earlier version
left behind) are removed by the next prune, counted as its dry run said. What a run still needs stays: a run
waiting for review keeps its document, and a run advancing keeps the texts its step saved before checkpointing.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from datetime import timedelta
from pathlib import Path

from claimflow.doctypes import BUILTIN_TYPES
from claimflow.runtime.engine import open_engine
from claimflow.runtime.engine.intake import SourceConflictError
from claimflow.runtime.settings import Settings
from claimflow.runtime.sqlitestore import SqliteDocumentStore
from claimflow.runtime.store import FileDocumentStore
from tests.integration._docs import invoice_text, mismatch_invoice_text, write
from tests.integration._pruning import stored_blobs


async def a_file_sent_again_after_its_prune_is_not_stored_again(
    tmp_path: Path, database_url: str | None = None
) -> None:
    """The cron job re-running a folder: the pruned run is found, and its original does not come back."""
    invoice = write(tmp_path / "docs", "invoice.txt", invoice_text())
    data = tmp_path / "data"
    async with open_engine(Settings(data_dir=data, database_url=database_url), types=BUILTIN_TYPES) as engine:
        first = await engine.process(invoice)
        await asyncio.sleep(0.05)  # the run's blobs are saved clearly before the prune's mark
        assert (await engine.prune(timedelta(0))).runs == (first.run_id,)
        assert stored_blobs(data, database_url) == set()

        again = await engine.process(invoice)

        assert again.run_id == first.run_id
        assert stored_blobs(data, database_url) == set(), "the pruned run's original was stored again"


async def bytes_no_run_uses_are_swept_and_counted(tmp_path: Path, database_url: str | None = None) -> None:
    """The loser of two uploads racing under one key, and bytes stored for no run at all, go with the next prune."""
    data = tmp_path / "data"
    async with open_engine(Settings(data_dir=data, database_url=database_url), types=BUILTIN_TYPES) as engine:
        first, second = invoice_text("NW-1").encode(), invoice_text("NW-2").encode()
        raced = await asyncio.gather(
            engine.receive(first, "a.txt", source="key-1"),
            engine.receive(second, "b.txt", source="key-1"),
            return_exceptions=True,
        )
        assert sorted(type(outcome).__name__ for outcome in raced) == ["SourceConflictError", "tuple"]
        winner = next(outcome for outcome in raced if not isinstance(outcome, SourceConflictError))
        assert isinstance(winner, tuple)
        kept = winner[0].document_id
        (lost,) = {hashlib.sha256(first).hexdigest(), hashlib.sha256(second).hexdigest()} - {kept}
        left_behind = await engine.store.save_document(b"stored by an earlier version", "old.txt", "text/plain")
        assert {lost, left_behind.document_id, kept} <= stored_blobs(data, database_url)
        await asyncio.sleep(0.05)

        dry = await engine.prune(timedelta(0), dry_run=True)
        assert {lost, left_behind.document_id} <= stored_blobs(data, database_url), "a dry run changes nothing"
        done = await engine.prune(timedelta(0))

        assert (done.runs, done.blobs, done.blob_bytes) == ((), dry.blobs, dry.blob_bytes)
        assert done.blobs == 2 and done.blob_bytes == len(invoice_text("NW-1")) + len(b"stored by an earlier version")
        assert stored_blobs(data, database_url) == {kept}, "the winner's run is queued: its document stays"


async def what_runs_still_need_is_not_swept(tmp_path: Path, database_url: str | None = None) -> None:
    """A run waiting for review keeps its blobs; a run advancing keeps a text its step saved, not yet checkpointed."""
    docs, data = tmp_path / "docs", tmp_path / "data"
    waiting_file, advancing_file = write(docs, "b.txt", mismatch_invoice_text()), write(docs, "c.txt", invoice_text())
    async with open_engine(Settings(data_dir=data, database_url=database_url), types=BUILTIN_TYPES) as engine:
        waiting = await engine.process(waiting_file)
        assert waiting.status == "needs_review"
        held = stored_blobs(data, database_url)
        advancing, new = await engine.register(advancing_file, starting=True)
        assert new and advancing.status == "running"
        parsed = await engine.store.save_text(("a page parsed, its checkpoint not written yet",), "plain")
        await asyncio.sleep(0.05)

        report = await engine.prune(timedelta(0))

        assert (report.runs, report.blobs) == ((), 0)
        assert held | {advancing.document_id, parsed.text_id} <= stored_blobs(data, database_url)


async def test_a_file_sent_again_after_its_prune_is_not_stored_again(tmp_path: Path) -> None:
    await a_file_sent_again_after_its_prune_is_not_stored_again(tmp_path)


async def test_bytes_no_run_uses_are_swept_and_counted(tmp_path: Path) -> None:
    await bytes_no_run_uses_are_swept_and_counted(tmp_path)


async def test_what_runs_still_need_is_not_swept(tmp_path: Path) -> None:
    await what_runs_still_need_is_not_swept(tmp_path)


def test_a_store_lists_what_a_delete_at_the_mark_frees_older_blob_files_too(tmp_path: Path) -> None:
    files = FileDocumentStore(tmp_path / "blobs")
    older = b"stored as a file by an earlier version"
    in_a_file = files.save_blob(older)
    (tmp_path / "blobs" / in_a_file[:2] / f".{in_a_file}.0.deleting").write_bytes(b"moved aside by a prune")
    store = SqliteDocumentStore(tmp_path / "documents.db", fallback=files)
    try:
        old = store.save_blob(b"old")
        assert store.load_blob(in_a_file) == older  # read, so copied into the database: it is in both places now
        time.sleep(0.05)
        mark = store.clock()
        time.sleep(0.05)
        new = store.save_blob(b"new")

        listed = store.blobs_saved_before(mark)

        assert listed == {old: 3, in_a_file: 2 * len(older)}  # a delete frees the row and the file
        assert {blob: store.delete_blob(blob, saved_before=mark) for blob in listed} == listed
        assert store.blobs_saved_before(time.time() + 1) == {new: 3}
        assert files.blobs_saved_before(time.time() + 1) == {}
    finally:
        store.close()
