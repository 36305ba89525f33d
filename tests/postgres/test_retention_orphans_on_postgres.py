"""Blobs no run uses do not stay for good on Postgres, where the store is in the database (see the SQLite tests)."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from claimflow.runtime.engine import open_engine
from claimflow.runtime.queue.migrate import migrate
from claimflow.runtime.settings import Settings
from tests.integration._docs import invoice_text, write
from tests.runtime.test_retention_orphans import (
    a_file_sent_again_after_its_prune_is_not_stored_again,
    bytes_no_run_uses_are_swept_and_counted,
    what_runs_still_need_is_not_swept,
)

pytestmark = pytest.mark.postgres


async def test_a_file_sent_again_after_its_prune_is_not_stored_again_on_postgres(
    tmp_path: Path, postgres_url: str
) -> None:
    await a_file_sent_again_after_its_prune_is_not_stored_again(tmp_path, postgres_url)


async def test_bytes_no_run_uses_are_swept_and_counted_on_postgres(tmp_path: Path, postgres_url: str) -> None:
    await bytes_no_run_uses_are_swept_and_counted(tmp_path, postgres_url)


async def test_what_runs_still_need_is_not_swept_on_postgres(tmp_path: Path, postgres_url: str) -> None:
    await what_runs_still_need_is_not_swept(tmp_path, postgres_url)


async def test_a_file_enqueued_again_is_not_stored_again(tmp_path: Path, postgres_url: str) -> None:
    """Production mode: a file read before keeps its run, and its bytes are not saved (stamped) again."""
    settings = Settings(data_dir=tmp_path / "data", database_url=postgres_url, execution="queue")
    await migrate(settings)
    document = write(tmp_path / "docs", "invoice.txt", invoice_text())
    async with open_engine(settings) as engine:
        first, new = await engine.enqueue(document)
        stamped = await _saved_at(postgres_url, first.document_id)
        again, new_again = await engine.enqueue(document)

        assert new and not new_again and again.run_id == first.run_id
        assert await _saved_at(postgres_url, first.document_id) == stamped


async def _saved_at(url: str, blob_id: str) -> float:
    async with await psycopg.AsyncConnection.connect(url) as conn:
        found = await (
            await conn.execute("SELECT saved_at FROM claimflow_blobs WHERE blob_id = %s", (blob_id,))
        ).fetchone()
    assert found is not None
    return float(found[0])
