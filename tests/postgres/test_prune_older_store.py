"""On Postgres, a prune removes a pruned run's blobs from the data directory the store falls back to, and only
those: that data directory's own runs (claimflow run there without a database URL) keep theirs.

An installation that stored documents in its data directory before the database held them reads them from there
(see `claimflow.runtime.pgstore`); a run of that time, once pruned, must not leave its original behind there.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import psycopg
import pytest

from claimflow.runtime.engine import DOCUMENT_FILE, open_engine
from claimflow.runtime.retention.prune import prune_finished
from claimflow.runtime.settings import Settings
from claimflow.runtime.sqlitestore import SqliteDocumentStore
from tests.integration._docs import invoice_text, write

pytestmark = pytest.mark.postgres


def _database_blobs(url: str) -> dict[str, bytes]:
    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT blob_id, data FROM claimflow_blobs").fetchall()
    return {str(blob_id): bytes(data) for blob_id, data in rows}


def _move_to_data_directory(url: str, data: Path) -> set[str]:
    """Every blob the database holds, moved into the data directory's store, as an earlier version kept them."""
    blobs = _database_blobs(url)
    older = SqliteDocumentStore(data / DOCUMENT_FILE)
    try:
        for content in blobs.values():
            older.save_blob(content)
    finally:
        older.close()
    with psycopg.connect(url) as conn:
        conn.execute("DELETE FROM claimflow_blobs")
    return set(blobs)


def _data_directory_blobs(data: Path) -> set[str]:
    older = SqliteDocumentStore(data / DOCUMENT_FILE)
    try:
        return set(older.blobs_saved_before(older.clock() + 60))
    finally:
        older.close()


def test_a_pruned_runs_blobs_leave_the_older_data_directory_and_its_own_runs_blobs_stay(
    tmp_path: Path, postgres_url: str
) -> None:
    data = tmp_path / "data"
    document = write(tmp_path, "invoice.txt", invoice_text())
    settings = Settings(data_dir=data, database_url=postgres_url)

    async def process() -> str:
        async with open_engine(settings) as engine:
            return (await engine.process(document)).run_id

    run_id = asyncio.run(process())
    runs_blobs = _move_to_data_directory(postgres_url, data)
    assert len(runs_blobs) >= 3  # the original, and what its steps saved (its text, the masking map)
    # A document only the data directory's own registry knows of: stored there, never in the database.
    embedded = SqliteDocumentStore(data / DOCUMENT_FILE)
    try:
        own = embedded.save_blob(b"a document claimflow read here without a database URL")
    finally:
        embedded.close()

    async def prune(*, dry_run: bool) -> tuple[int, int]:
        async with open_engine(settings) as engine:
            report = await prune_finished(engine, timedelta(0), dry_run=dry_run, now=10**12)
        assert report.runs == (run_id,)
        return report.blobs, report.blob_bytes

    planned = asyncio.run(prune(dry_run=True))
    assert _data_directory_blobs(data) == runs_blobs | {own}  # a dry run changes nothing
    done = asyncio.run(prune(dry_run=False))

    assert done == planned and done[0] == len(runs_blobs)
    assert _data_directory_blobs(data) == {own}
    assert _database_blobs(postgres_url) == {}
