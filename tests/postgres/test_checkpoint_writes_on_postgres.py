"""The pooled Postgres saver: the stock saver's history, and a step's task writes in its checkpoint's transaction."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import psycopg
import pytest
from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import empty_checkpoint
from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver
from psycopg.rows import dict_row

from claimflow.runtime import step_writes
from claimflow.runtime.checkpoint import serializer
from claimflow.runtime.checkpoint_postgres import PooledPostgresSaver, postgres_checkpointer
from tests.runtime.test_sqlite_saver import _history

pytestmark = pytest.mark.postgres


@asynccontextmanager
async def _pooled(url: str) -> AsyncIterator[PooledPostgresSaver]:
    async with postgres_checkpointer(url) as saver:
        assert isinstance(saver, PooledPostgresSaver)
        yield saver


def _count_sessions(saver: PooledPostgresSaver) -> list[int]:
    """Count the sessions the saver takes from its pool: one per transaction it sends."""
    taken = [0]
    connection: Callable[..., Any] = saver.pool.connection

    def counted(*args: Any, **kwargs: Any) -> Any:
        taken[0] += 1
        return connection(*args, **kwargs)

    saver.pool.connection = counted  # type: ignore[method-assign]
    return taken


async def _first(saver: AsyncPostgresSaver) -> RunnableConfig:
    config: RunnableConfig = {"configurable": {"thread_id": "t", "checkpoint_ns": ""}}
    return await saver.aput(config, empty_checkpoint(), {"source": "input", "step": -1}, {})


async def test_it_keeps_what_the_stock_saver_keeps(postgres_url: str) -> None:
    async with _pooled(postgres_url) as saver:
        ours = await _history(saver)
    async with await psycopg.AsyncConnection.connect(
        postgres_url, autocommit=True, prepare_threshold=0, row_factory=dict_row
    ) as conn:
        stock = AsyncPostgresSaver(conn, serde=serializer())  # type: ignore[arg-type]
        await conn.execute("DELETE FROM checkpoint_writes")
        await conn.execute("DELETE FROM checkpoint_blobs")
        await conn.execute("DELETE FROM checkpoints")
        theirs = await _history(stock)
    assert ours == theirs


async def test_a_tasks_writes_go_with_the_steps_checkpoint(postgres_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    async with _pooled(postgres_url) as saver:
        written = await _first(saver)
        monkeypatch.setattr(step_writes, "WRITES_WAIT_S", 30.0)  # however slow the machine, the checkpoint first
        sessions = _count_sessions(saver)
        task = asyncio.ensure_future(saver.aput_writes(written, [("notes", ["b"])], task_id="task-1"))
        await asyncio.sleep(0)
        assert not task.done()
        checkpoint = {**empty_checkpoint(), "channel_values": {"notes": ["b"]}, "channel_versions": {"notes": "2"}}
        await saver.aput(written, checkpoint, {"source": "loop", "step": 0}, {"notes": "2"})  # type: ignore[arg-type]
        await asyncio.wait_for(task, 10)
        assert sessions == [1]  # one transaction: the writes and the checkpoint
        saved = await saver.aget_tuple(written)
        assert saved is not None and saved.pending_writes == [("task-1", "notes", ["b"])]


async def test_writes_alone_are_committed_before_their_call_returns(postgres_url: str) -> None:
    async with _pooled(postgres_url) as saver:
        written = await _first(saver)
        sessions = _count_sessions(saver)
        await saver.aput_writes(written, [("notes", ["alone"])], task_id="task-1")
        assert sessions == [1]
        with psycopg.connect(postgres_url) as other:  # committed: another session sees it
            row = other.execute("SELECT count(*) FROM checkpoint_writes WHERE task_id = 'task-1'").fetchone()
            assert row == (1,)


async def test_a_checkpoint_that_fails_fails_its_writes_too_and_the_saver_goes_on(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with _pooled(postgres_url) as saver:
        written = await _first(saver)
        with psycopg.connect(postgres_url, autocommit=True) as admin:
            admin.execute(
                "CREATE FUNCTION refuse() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$"
                " LANGUAGE plpgsql"
            )
            admin.execute(
                "CREATE TRIGGER refuse BEFORE INSERT ON checkpoints FOR EACH ROW"
                " WHEN (NEW.checkpoint_id = 'refused') EXECUTE FUNCTION refuse()"
            )
        monkeypatch.setattr(step_writes, "WRITES_WAIT_S", 30.0)
        task = asyncio.ensure_future(saver.aput_writes(written, [("notes", ["lost"])], task_id="task-1"))
        await asyncio.sleep(0)
        monkeypatch.setattr(step_writes, "WRITES_WAIT_S", 0.005)
        refused = {**empty_checkpoint(), "id": "refused"}
        with pytest.raises(psycopg.Error, match="refused by the test"):
            await saver.aput(written, refused, {"source": "loop", "step": 0}, {})  # type: ignore[arg-type]
        with pytest.raises(psycopg.Error, match="refused by the test"):
            await task  # rolled back with it: its caller is told
        await saver.aput_writes(written, [("notes", ["later"])], task_id="task-2")
        saved = await saver.aget_tuple(written)
        assert saved is not None and saved.pending_writes == [("task-2", "notes", ["later"])]
