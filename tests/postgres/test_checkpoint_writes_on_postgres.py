"""The pooled Postgres saver: the stock saver's history, and a task's writes committed before their call returns."""

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


async def test_writes_alone_are_committed_before_their_call_returns(postgres_url: str) -> None:
    async with _pooled(postgres_url) as saver:
        written = await _first(saver)
        sessions = _count_sessions(saver)
        await saver.aput_writes(written, [("notes", ["alone"])], task_id="task-1")
        assert sessions == [1]
        with psycopg.connect(postgres_url) as other:  # committed: another session sees it
            row = other.execute("SELECT count(*) FROM checkpoint_writes WHERE task_id = 'task-1'").fetchone()
            assert row == (1,)


async def test_a_checkpoint_is_serialized_in_place_and_stored_in_one_session(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with _pooled(postgres_url) as saver:
        first = await _first(saver)
        checkpoint = empty_checkpoint()
        checkpoint["channel_values"] = {"notes": ["a", "b"], "count": 2}
        checkpoint["channel_versions"] = {"notes": "1", "count": "1"}
        sessions = _count_sessions(saver)

        async def no_thread(*args: Any, **kwargs: Any) -> Any:
            raise AssertionError("a checkpoint's values went to a thread and back")

        monkeypatch.setattr(asyncio, "to_thread", no_thread)
        written = await saver.aput(first, checkpoint, {"source": "loop", "step": 0}, {"notes": "1", "count": "1"})
        monkeypatch.undo()
        assert sessions == [1]
        stored = await saver.aget_tuple(written)
    assert stored is not None
    assert stored.checkpoint["channel_values"] == {"notes": ["a", "b"], "count": 2}
    assert stored.parent_config is not None
    assert stored.parent_config["configurable"]["checkpoint_id"] == first["configurable"]["checkpoint_id"]
