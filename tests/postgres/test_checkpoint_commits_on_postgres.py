"""Checkpoint commits on Postgres: not waiting for the log's flush by default, and the writes the world hears of do.

A checkpoint's commit is seen by every session at once, flushed or not; what waits for the flush (a delivery's
writes, a pause's) makes every commit before it durable, since Postgres flushes its log in order.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import psycopg
import pytest
from langgraph.checkpoint.base import empty_checkpoint

from claimflow.runtime.checkpoint_postgres import PooledPostgresSaver, SynchronousCommit, postgres_checkpointer
from claimflow.runtime.engine import open_engine
from claimflow.runtime.settings import Settings
from tests.postgres.test_checkpoint_writes_on_postgres import _writes
from tests.runtime.test_sqlite_saver import _first

pytestmark = pytest.mark.postgres


@asynccontextmanager
async def _saver(url: str, synchronous_commit: SynchronousCommit | None = None) -> AsyncIterator[PooledPostgresSaver]:
    chosen = {} if synchronous_commit is None else {"synchronous_commit": synchronous_commit}
    async with postgres_checkpointer(url, **chosen) as saver:
        assert isinstance(saver, PooledPostgresSaver)
        yield saver


async def _current_setting(cur: Any) -> str:
    """`synchronous_commit` as the server sees it where `cur` is (in its transaction, if it is in one)."""
    await cur.execute("SELECT current_setting('synchronous_commit') AS setting")
    row = await cur.fetchone()
    assert row is not None
    return str(row["setting"])


async def _setting_in(saver: PooledPostgresSaver, **cursor: bool) -> str:
    """`synchronous_commit` inside one of the saver's write transactions."""
    async with saver._cursor(**cursor) as cur:
        return await _current_setting(cur)


def _observe_commits(saver: PooledPostgresSaver) -> list[str]:
    """Record, for each transaction the saver writes in, whether its commit waits for the flush (server's word)."""
    seen: list[str] = []
    cursor = saver._cursor

    @asynccontextmanager
    async def observed(**kwargs: Any) -> AsyncIterator[Any]:
        async with cursor(**kwargs) as cur:
            seen.append(await _current_setting(cur))
            yield cur

    saver._cursor = observed  # type: ignore[method-assign]
    return seen


async def test_by_default_a_checkpoint_commits_without_waiting_and_on_waits(postgres_url: str) -> None:
    async with _saver(postgres_url) as saver:
        assert await _setting_in(saver, pipeline=True) == "off"
    async with _saver(postgres_url, "on") as saver:
        assert await _setting_in(saver, pipeline=True) == "on"
        assert await _setting_in(saver, pipeline=True, flushed=True) == "on"


async def test_writes_committed_at_once_wait_for_the_flush_and_checkpoints_do_not(postgres_url: str) -> None:
    async with _saver(postgres_url) as saver:
        first = await _first(saver)
        commits = _observe_commits(saver)
        await saver.aput(first, empty_checkpoint(), {"source": "loop", "step": 0}, {})
        # A pause's writes (an interrupt) are committed at once: the review they open is heard of outside.
        await saver.aput_writes(first, [("__interrupt__", ["review"])], task_id="pause-1")
        await saver.aput(first, empty_checkpoint(), {"source": "loop", "step": 1}, {})
        assert commits == ["off", "on", "off"]
        assert _writes(postgres_url, "pause-1") == 1
        # The wait was the transaction's own: the session goes back to the pool as it was.
        assert await _setting_in(saver, pipeline=True) == "off"


async def test_a_failed_write_that_waits_is_rolled_back_whole(postgres_url: str) -> None:
    async with _saver(postgres_url) as saver:
        first = await _first(saver)
        with pytest.raises(psycopg.errors.UndefinedTable):
            async with saver._cursor(pipeline=True, flushed=True) as cur:
                await cur.execute(
                    "INSERT INTO checkpoint_migrations (v) VALUES (%s)", (10_000,)
                )  # written, then undone with the failure below
                await cur.execute("SELECT * FROM no_such_table")
        with psycopg.connect(postgres_url) as other:
            assert other.execute("SELECT count(*) FROM checkpoint_migrations WHERE v = 10000").fetchone() == (0,)
        assert await saver.aget_tuple(first) is not None  # the saver goes on
        assert await _setting_in(saver, pipeline=True) == "off"


async def test_the_engine_opens_its_saver_with_the_setting(postgres_url: str, tmp_path: Path) -> None:
    for chosen in ("off", "on"):
        settings = Settings(data_dir=tmp_path / chosen, database_url=postgres_url, postgres_synchronous_commit=chosen)
        async with open_engine(settings) as engine:
            saver = engine.graph.checkpointer
            assert isinstance(saver, PooledPostgresSaver)
            assert await _setting_in(saver, pipeline=True) == chosen


async def test_what_waits_commits_as_the_database_is_set_to_commit(postgres_url: str) -> None:
    """A database set to wait for a standby too keeps that wait: "on" and a write that waits do not weaken it."""
    with psycopg.connect(postgres_url, autocommit=True) as admin:
        name = admin.execute("SELECT current_database()").fetchone()
        assert name is not None
        admin.execute(f'ALTER DATABASE "{name[0]}" SET synchronous_commit = remote_apply')  # type: ignore[arg-type]
    async with _saver(postgres_url, "on") as saver:
        assert await _setting_in(saver, pipeline=True) == "remote_apply"
    async with _saver(postgres_url) as saver:
        assert await _setting_in(saver, pipeline=True) == "off"
        assert await _setting_in(saver, pipeline=True, flushed=True) == "remote_apply"
