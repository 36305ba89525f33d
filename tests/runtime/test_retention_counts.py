"""A prune's report counts what it removed, as its dry run said it would: an empty document's blob included."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path

from claimflow.doctypes import BUILTIN_TYPES
from claimflow.runtime.engine import open_engine
from claimflow.runtime.settings import Settings
from tests.integration._docs import invoice_text, write


async def prune_counts_an_empty_documents_blob(tmp_path: Path, database_url: str | None = None) -> None:
    """An empty file's run keeps a blob of 0 bytes; the prune that removes it counts it, as its dry run did."""
    docs = tmp_path / "docs"
    empty, invoice = write(docs, "empty.txt", ""), write(docs, "invoice.txt", invoice_text())
    settings = Settings(data_dir=tmp_path / "data", database_url=database_url)
    async with open_engine(settings, types=BUILTIN_TYPES) as engine:
        views = [await engine.process(empty), await engine.process(invoice)]
        assert [view.status for view in views] == ["failed", "completed"]
        empty_blob = hashlib.sha256(b"").hexdigest()
        assert await engine.store.blob_size(empty_blob) == 0

        dry = await engine.prune(timedelta(0), dry_run=True)
        done = await engine.prune(timedelta(0))

        assert await engine.store.blob_size(empty_blob) is None
        assert sorted(done.runs) == sorted(view.run_id for view in views)
        assert (done.blobs, done.blob_bytes) == (dry.blobs, dry.blob_bytes), "the prune removed what it said"
        assert done.blobs >= 2  # the invoice's original and texts, and the empty document


async def test_an_empty_documents_blob_is_counted_when_it_goes(tmp_path: Path) -> None:
    await prune_counts_an_empty_documents_blob(tmp_path)
