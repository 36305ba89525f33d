"""The pooled Postgres saver: the stock saver's history, and a task's writes committed before their call returns.

During an engine's run (`writes_held_for_checkpoints`), a step's writes go in its checkpoint's transaction.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any, NamedTuple

import psycopg
import pytest
from langgraph.checkpoint.base import empty_checkpoint
from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver
from psycopg.rows import dict_row

from claimflow.runtime.checkpoint import serializer
from claimflow.runtime.checkpoint_postgres import PooledPostgresSaver, postgres_checkpointer
from claimflow.runtime.held_writes import HOLD_SECONDS, writes_held_for_checkpoints
from tests.runtime.test_sqlite_saver import _first, _history

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


async def test_a_checkpoints_json_columns_keep_what_json_keeps(postgres_url: str) -> None:
    """Inline values and metadata are sent as JSON by orjson; what it refuses (an integer over 64 bits) by json."""
    async with _pooled(postgres_url) as saver:
        first = await _first(saver)
        checkpoint = empty_checkpoint()
        checkpoint["channel_values"] = {"name": "Müller & Søn — 東京", "count": 2, "ratio": 0.1, "done": True}
        checkpoint["channel_versions"] = {"name": "1", "count": "1", "ratio": "1", "done": "1"}
        huge = 2**70
        metadata: Any = {"source": "loop", "step": 0, "note": "Zürich ✓", "big": huge}
        written = await saver.aput(first, checkpoint, metadata, {})
        stored = await saver.aget_tuple(written)
    assert stored is not None
    assert stored.checkpoint["channel_values"] == checkpoint["channel_values"]
    assert stored.metadata["note"] == "Zürich ✓"  # type: ignore[typeddict-item]
    assert stored.metadata["big"] == huge  # type: ignore[typeddict-item]


async def test_holding_writes_for_checkpoints_keeps_what_the_stock_saver_keeps(postgres_url: str) -> None:
    async with _pooled(postgres_url) as saver:
        plain = await _history(saver)
        async with await psycopg.AsyncConnection.connect(postgres_url, autocommit=True) as conn:
            for table in ("checkpoint_writes", "checkpoint_blobs", "checkpoints"):
                await conn.execute(f"DELETE FROM {table}")  # type: ignore[arg-type]
        with writes_held_for_checkpoints():
            held = await _history(saver)
    assert held == plain


def _writes(url: str, task_id: str) -> int:
    """How many writes of `task_id` another session sees (committed ones)."""
    with psycopg.connect(url) as other:
        row = other.execute("SELECT count(*) FROM checkpoint_writes WHERE task_id = %s", (task_id,)).fetchone()
    assert row is not None
    return int(row[0])


async def test_held_writes_go_in_the_transaction_of_the_checkpoint_that_follows_them(postgres_url: str) -> None:
    async with _pooled(postgres_url) as saver:
        with writes_held_for_checkpoints():
            first = await _first(saver)
            sessions = _count_sessions(saver)
            await saver.aput_writes(first, [("notes", ["a"]), ("answer", "b")], task_id="held-1")
            assert sessions == [0] and _writes(postgres_url, "held-1") == 0
            await saver.aput(first, empty_checkpoint(), {"source": "loop", "step": 0}, {})
            assert sessions == [1] and _writes(postgres_url, "held-1") == 2
            await asyncio.sleep(HOLD_SECONDS * 3)
            assert sessions == [1]  # nothing was left to commit late
        saved = await saver.aget_tuple(first)
    assert saved is not None
    assert saved.pending_writes == [("held-1", "notes", ["a"]), ("held-1", "answer", "b")]


async def test_held_writes_are_committed_on_their_own_when_their_checkpoint_is_late(postgres_url: str) -> None:
    async with _pooled(postgres_url) as saver:
        with writes_held_for_checkpoints():
            first = await _first(saver)
            await saver.aput_writes(first, [("notes", ["done"])], task_id="late-1")
            assert _writes(postgres_url, "late-1") == 0
            await asyncio.sleep(HOLD_SECONDS * 4)
            assert _writes(postgres_url, "late-1") == 1
            await saver.aput_writes(first, [("notes", ["closing"])], task_id="late-2")
    assert _writes(postgres_url, "late-2") == 1  # closing the saver committed what it held


def _count_serializations(saver: PooledPostgresSaver) -> list[Any]:
    """Record each value the saver's serializer is asked to serialize."""
    serialized: list[Any] = []
    dumps: Callable[[Any], tuple[str, bytes]] = saver.serde.dumps_typed

    def counted(value: Any) -> tuple[str, bytes]:
        serialized.append(value)
        return dumps(value)

    saver.serde.dumps_typed = counted  # type: ignore[method-assign]
    return serialized


def _checkpoint_holding(notes: list[str]) -> Any:
    checkpoint = empty_checkpoint()
    checkpoint["channel_values"] = {"notes": notes}
    checkpoint["channel_versions"] = {"notes": "2"}
    return checkpoint


async def test_a_value_a_step_wrote_is_serialized_once_for_the_checkpoint_that_ends_the_step(
    postgres_url: str,
) -> None:
    notes = [f"note {index}" for index in range(100)]  # large enough to be compressed
    async with _pooled(postgres_url) as saver:
        with writes_held_for_checkpoints():
            first = await _first(saver)
            serialized = _count_serializations(saver)
            await saver.aput_writes(first, [("notes", notes)], task_id="once-1")
            written = await saver.aput(first, _checkpoint_holding(notes), {"source": "loop", "step": 0}, {"notes": "2"})
        assert serialized == [notes]  # the write's serialization is the checkpoint's blob too
        stored = await saver.aget_tuple(written)
    assert stored is not None
    assert stored.checkpoint["channel_values"] == {"notes": notes}


async def test_an_equal_value_that_is_another_object_is_serialized_again(postgres_url: str) -> None:
    notes = ["a", "b"]
    async with _pooled(postgres_url) as saver:
        first = await _first(saver)
        serialized = _count_serializations(saver)
        await saver.aput_writes(first, [("notes", notes)], task_id="again-1")
        written = await saver.aput(
            first, _checkpoint_holding(list(notes)), {"source": "loop", "step": 0}, {"notes": "2"}
        )
        assert serialized == [notes, notes]
        stored = await saver.aget_tuple(written)
    assert stored is not None
    assert stored.checkpoint["channel_values"] == {"notes": ["a", "b"]}


class _Sent(NamedTuple):
    opening: str
    """The statement's first words."""
    parameters: int
    raw: bool
    """Sent by a raw cursor: native `$n` placeholders, which psycopg sends without parsing the statement."""


def _count_statements(monkeypatch: pytest.MonkeyPatch) -> list[_Sent]:
    """Each statement any async cursor sends from now on (an `executemany` one per row), and its parameters."""
    sent: list[_Sent] = []
    execute, executemany = psycopg.AsyncCursor.execute, psycopg.AsyncCursor.executemany

    def seen(cursor: Any, query: Any, params: Any) -> _Sent:
        text = query.decode() if isinstance(query, bytes) else str(query)
        return _Sent(" ".join(text.split()[:3]), len(params or ()), isinstance(cursor, psycopg.AsyncRawCursor))

    async def counted_execute(self: Any, query: Any, params: Any = None, *args: Any, **kwargs: Any) -> Any:
        sent.append(seen(self, query, params))
        return await execute(self, query, params, *args, **kwargs)

    async def counted_executemany(self: Any, query: Any, params_seq: Any, *args: Any, **kwargs: Any) -> Any:
        rows = list(params_seq)
        sent.extend(seen(self, query, row) for row in rows)
        return await executemany(self, query, rows, *args, **kwargs)

    monkeypatch.setattr(psycopg.AsyncCursor, "execute", counted_execute)
    monkeypatch.setattr(psycopg.AsyncCursor, "executemany", counted_executemany)
    return sent


async def _checkpoint_after_writes(
    saver: PooledPostgresSaver, channels: int, monkeypatch: pytest.MonkeyPatch
) -> list[_Sent]:
    """A step of one task writing `channels` channels, then its checkpoint: the statements that checkpoint sent."""
    with writes_held_for_checkpoints():
        first = await _first(saver)
        writes: list[tuple[str, Any]] = [(f"channel_{n}", [n]) for n in range(channels)]
        await saver.aput_writes(first, writes, task_id="task-1")
        checkpoint = empty_checkpoint()
        checkpoint["channel_values"] = {f"channel_{n}": [n] for n in range(channels)}
        versions = {f"channel_{n}": "1" for n in range(channels)}
        checkpoint["channel_versions"] = versions
        sent = _count_statements(monkeypatch)
        written = await saver.aput(first, checkpoint, {"source": "loop", "step": 0}, versions)
        monkeypatch.undo()
    saved, pending = await saver.aget_tuple(written), await saver.aget_tuple(first)
    assert saved is not None and saved.checkpoint["channel_values"] == {f"channel_{n}": [n] for n in range(channels)}
    assert pending is not None and pending.pending_writes == [("task-1", channel, value) for channel, value in writes]
    return sent


async def test_a_checkpoint_with_its_held_writes_is_one_statement(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its five writes, its channels' five blobs and the checkpoint: one statement, parsed by nobody on the loop."""
    async with _pooled(postgres_url) as saver:
        sent = await _checkpoint_after_writes(saver, 5, monkeypatch)
    assert sent == [_Sent("WITH writes AS", 6 + 5 * 6 + 5 * 4, raw=True)]


async def test_a_checkpoint_of_many_writes_and_values_is_still_one_statement(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Twelve writes and twelve values: more parameters than psycopg caches its parsing of, and not parsed at all."""
    async with _pooled(postgres_url) as saver:
        sent = await _checkpoint_after_writes(saver, 12, monkeypatch)
    assert sent == [_Sent("WITH writes AS", 6 + 12 * 6 + 12 * 4, raw=True)]


async def test_a_checkpoint_of_more_writes_than_a_statement_carries_keeps_them_all_in_order(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """11,000 held writes (66,006 parameters in one statement, over the protocol's 65,535): several statements."""
    count = 11_000
    writes: list[tuple[str, Any]] = [("notes", [n]) for n in range(count)]
    async with _pooled(postgres_url) as saver:
        with writes_held_for_checkpoints():
            first = await _first(saver)
            await saver.aput_writes(first, writes, task_id="wide")
            checkpoint = empty_checkpoint()
            checkpoint["channel_values"] = {"notes": ["last"]}
            checkpoint["channel_versions"] = {"notes": "1"}
            sent = _count_statements(monkeypatch)
            written = await saver.aput(first, checkpoint, {"source": "loop", "step": 0}, {"notes": "1"})
            monkeypatch.undo()
        saved, pending = await saver.aget_tuple(written), await saver.aget_tuple(first)
    assert len(sent) > 2
    assert saved is not None and saved.checkpoint["channel_values"] == {"notes": ["last"]}
    assert pending is not None and pending.pending_writes == [("wide", channel, value) for channel, value in writes]


async def test_writes_beyond_one_statement_are_all_kept_in_order(postgres_url: str) -> None:
    """More writes than a statement may carry (65,535 parameters: 7,281 writes), in many: all kept, in order, once."""
    count = 8_500
    writes = [(f"channel_{n}", n) for n in range(count)]
    async with _pooled(postgres_url) as saver:
        first = await _first(saver)
        await saver.aput_writes(first, writes, task_id="wide")
        await saver.aput_writes(first, writes, task_id="wide")  # again, as a retried task would: nothing new
        saved = await saver.aget_tuple(first)
    assert saved is not None
    assert saved.pending_writes == [("wide", channel, value) for channel, value in writes]
