"""The one-trip SQLite saver: the stock saver's rows and history, one trip per write, a failed write leaves nothing.

During an engine's run (`writes_held_for_checkpoints`), a step's writes go with its checkpoint, in its trip.
"""

from __future__ import annotations

import asyncio
import logging
import operator
import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Annotated, Any, TypedDict

import aiosqlite
import pytest
from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import WRITES_IDX_MAP, BaseCheckpointSaver, empty_checkpoint
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver
from langgraph.graph import END, START, StateGraph

from claimflow.runtime.checkpoint import serializer, sqlite_checkpointer
from claimflow.runtime.held_writes import HOLD_SECONDS, HeldWrites, writes_held_for_checkpoints
from claimflow.runtime.sqlite_saver import OneTripSqliteSaver

ERROR = "__error__"
"""LangGraph's channel for a task's error: one of the channels whose writes have a fixed index and replace."""


class _State(TypedDict):
    notes: Annotated[list[str], operator.add]
    answer: str


def _graph() -> StateGraph[_State, None, _State, _State]:
    def first(state: _State) -> dict[str, Any]:
        return {"notes": ["first"]}

    def ask(state: _State) -> dict[str, Any]:
        return {"answer": "yes", "notes": ["asked"]}

    graph = StateGraph(_State)
    graph.add_node("first", first)
    graph.add_node("ask", ask)
    graph.add_edge(START, "first")
    graph.add_edge("first", "ask")
    graph.add_edge("ask", END)
    return graph


async def _history(saver: AsyncSqliteSaver) -> list[tuple[Any, ...]]:
    """Run the graph to its pause and past it; every checkpoint's values, next nodes, step and writes."""
    graph = _graph().compile(checkpointer=saver, interrupt_before=["ask"])
    config: RunnableConfig = {"configurable": {"thread_id": "t1"}}
    await graph.ainvoke({"notes": [], "answer": ""}, config, durability="sync")
    paused = await graph.aget_state(config)
    assert paused.next == ("ask",) and paused.values["notes"] == ["first"]
    await graph.ainvoke(None, config, durability="sync")
    rows = []
    async for snapshot in graph.aget_state_history(config):
        rows.append((snapshot.values, snapshot.next, snapshot.metadata and snapshot.metadata.get("step")))
    async for saved in saver.alist(config):
        rows.append([(channel, value) for _, channel, value in saved.pending_writes or []])
    return rows


async def test_it_keeps_what_the_stock_saver_keeps(tmp_path: Path) -> None:
    async with aiosqlite.connect(tmp_path / "stock.db") as connection:
        stock = AsyncSqliteSaver(connection, serde=serializer())
        expected = await _history(stock)
    async with sqlite_checkpointer(tmp_path / "one-trip.db") as saver:
        assert isinstance(saver, OneTripSqliteSaver)
        assert await _history(saver) == expected
    final_values = expected[0][0]
    assert final_values == {"notes": ["first", "asked"], "answer": "yes"}


def _count_trips(saver: AsyncSqliteSaver) -> list[str]:
    """Record each function the saver hands to the connection's thread."""
    trips: list[str] = []
    hand_over: Callable[..., Any] = saver.conn._execute

    async def counted(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        trips.append(getattr(function, "__name__", repr(function)))
        return await hand_over(function, *args, **kwargs)

    saver.conn._execute = counted  # type: ignore[method-assign]
    return trips


async def test_it_reads_what_the_stock_saver_reads_in_one_trip(tmp_path: Path) -> None:
    path = tmp_path / "one-trip.db"
    async with sqlite_checkpointer(path) as saver:
        await _history(saver)
        ids = [saved.config["configurable"]["checkpoint_id"] async for saved in saver.alist(None)]
        trips = _count_trips(saver)
        ours = [await saver.aget_tuple(_config("t1", checkpoint_id)) for checkpoint_id in [None, *ids, "nope"]]
        ours.append(await saver.aget_tuple(_config("no-such-thread")))
        assert trips == ["read"] * len(ours)
    async with aiosqlite.connect(path) as connection:
        stock = AsyncSqliteSaver(connection, serde=serializer())
        theirs = [await stock.aget_tuple(_config("t1", checkpoint_id)) for checkpoint_id in [None, *ids, "nope"]]
        theirs.append(await stock.aget_tuple(_config("no-such-thread")))
    assert len(ids) >= 4 and ours == theirs and ours[-2:] == [None, None]


def _config(thread_id: str, checkpoint_id: str | None = None) -> RunnableConfig:
    configurable = {"thread_id": thread_id, "checkpoint_ns": ""}
    return {"configurable": configurable if checkpoint_id is None else {**configurable, "checkpoint_id": checkpoint_id}}


async def test_a_checkpoint_and_a_steps_writes_are_one_trip_each(tmp_path: Path) -> None:
    async with aiosqlite.connect(tmp_path / "stock.db") as connection:
        stock = AsyncSqliteSaver(connection, serde=serializer())
        await stock.setup()
        stock_trips = _count_trips(stock)
        await _put_one(stock)
        assert len(stock_trips) == 7  # execute, commit, close the cursor; open one, execute, commit, close
    async with sqlite_checkpointer(tmp_path / "one-trip.db") as saver:
        trips = _count_trips(saver)
        await _put_one(saver)
        assert trips == ["transaction", "transaction"]  # the checkpoint; the writes


async def test_a_write_waiting_for_another_process_waits_on_the_thread(tmp_path: Path) -> None:
    path = tmp_path / "busy.db"
    async with sqlite_checkpointer(path) as saver:
        await _put_one(saver)
        with closing(sqlite3.connect(path, isolation_level=None)) as other:
            other.execute("BEGIN IMMEDIATE")  # another process writing: it holds the write lock
            config: RunnableConfig = {"configurable": {"thread_id": "t2", "checkpoint_ns": ""}}
            put = asyncio.ensure_future(saver.aput(config, empty_checkpoint(), {"source": "input", "step": -1}, {}))
            ticks = 0
            for _ in range(20):  # the event loop runs on while the write waits
                await asyncio.sleep(0.01)
                ticks += 1
            assert not put.done() and ticks == 20
            other.execute("COMMIT")
        written = await asyncio.wait_for(put, 30)
        assert await saver.aget_tuple(written) is not None


async def _put_one(saver: AsyncSqliteSaver) -> RunnableConfig:
    """One checkpoint and one task's two writes to it."""
    config: RunnableConfig = {"configurable": {"thread_id": "t", "checkpoint_ns": ""}}
    written = await saver.aput(config, empty_checkpoint(), {"source": "input", "step": -1}, {})
    await saver.aput_writes(written, [("notes", ["a"]), ("answer", "b")], task_id="task-1")
    return written


async def test_special_channels_replace_and_other_writes_are_kept_once(tmp_path: Path) -> None:
    assert ERROR in WRITES_IDX_MAP
    async with sqlite_checkpointer(tmp_path / "one-trip.db") as saver:
        written = await _put_one(saver)
        await saver.aput_writes(written, [("notes", ["again"])], task_id="task-1")  # same task, index 0: ignored
        await saver.aput_writes(written, [(ERROR, "first failure")], task_id="task-1")
        await saver.aput_writes(written, [(ERROR, "second failure")], task_id="task-1")  # fixed index: replaced
        saved = await saver.aget_tuple(written)
    assert saved is not None
    assert sorted((channel, str(value)) for _, channel, value in saved.pending_writes or []) == [
        (ERROR, "second failure"),
        ("answer", "b"),
        ("notes", "['a']"),
    ]


async def test_a_failed_write_leaves_no_row_and_the_saver_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "one-trip.db"
    async with sqlite_checkpointer(path) as saver:
        written = await _put_one(saver)
        await saver.conn.execute(
            "CREATE TRIGGER refuse BEFORE INSERT ON writes WHEN NEW.channel = 'refused' "
            "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
        )
        await saver.conn.commit()
        with pytest.raises(Exception, match="refused by the test"):
            await saver.aput_writes(written, [("notes", ["kept?"]), ("refused", "x")], task_id="task-2")
        saved = await saver.aget_tuple(written)
        assert saved is not None
        assert [(task, channel) for task, channel, _ in saved.pending_writes or []] == [
            ("task-1", "notes"),
            ("task-1", "answer"),
        ]  # task-2's first write was rolled back with the refused one
        await saver.aput_writes(written, [("notes", ["later"])], task_id="task-3")
        saved = await saver.aget_tuple(written)
        assert saved is not None and ("task-3", "notes", ["later"]) in (saved.pending_writes or [])


async def _first(saver: BaseCheckpointSaver[Any]) -> RunnableConfig:
    """A thread's first checkpoint, as a run's input makes it."""
    config: RunnableConfig = {"configurable": {"thread_id": "t", "checkpoint_ns": ""}}
    return await saver.aput(config, empty_checkpoint(), {"source": "input", "step": -1}, {})


async def test_holding_writes_for_checkpoints_keeps_what_the_stock_saver_keeps(tmp_path: Path) -> None:
    async with aiosqlite.connect(tmp_path / "stock.db") as connection:
        expected = await _history(AsyncSqliteSaver(connection, serde=serializer()))
    async with sqlite_checkpointer(tmp_path / "held.db") as saver:
        with writes_held_for_checkpoints():
            assert await _history(saver) == expected


def _step(parent: RunnableConfig) -> tuple[RunnableConfig, Any, Any, Any]:
    """The arguments of `aput` for a new checkpoint after `parent`."""
    return parent, empty_checkpoint(), {"source": "loop", "step": 0}, {}


async def test_held_writes_go_in_the_trip_of_the_checkpoint_that_follows_them(tmp_path: Path) -> None:
    async with sqlite_checkpointer(tmp_path / "held.db") as saver:
        with writes_held_for_checkpoints():
            first = await _first(saver)
            trips = _count_trips(saver)
            await saver.aput_writes(first, [("notes", ["a"]), ("answer", "b")], task_id="task-1")
            assert trips == []  # held for the checkpoint
            assert (await saver.aget_tuple(first)).pending_writes == []  # type: ignore[union-attr]
            await saver.aput(*_step(first))
            assert trips == ["read", "transaction"]  # the read above; the checkpoint with the writes
            await asyncio.sleep(HOLD_SECONDS * 3)
            assert trips == ["read", "transaction"]  # nothing is left to commit late
        saved = await saver.aget_tuple(first)
    assert saved is not None
    assert saved.pending_writes == [("task-1", "notes", ["a"]), ("task-1", "answer", "b")]


async def test_writes_whose_checkpoint_does_not_come_in_time_are_committed_on_their_own(tmp_path: Path) -> None:
    """A task whose step still runs another: its writes are committed soon, so a crash does not run it again."""
    path = tmp_path / "held.db"
    async with sqlite_checkpointer(path) as saver:
        with writes_held_for_checkpoints():
            first = await _first(saver)
            trips = _count_trips(saver)
            await saver.aput_writes(first, [("notes", ["done"])], task_id="task-1")
            assert trips == []
            await asyncio.sleep(HOLD_SECONDS * 4)
            assert trips == ["transaction"]
        with closing(sqlite3.connect(path)) as other:  # committed: another connection sees it
            rows = other.execute("SELECT task_id, channel FROM writes").fetchall()
    assert rows == [("task-1", "notes")]


async def test_a_write_that_pauses_or_fails_a_step_is_committed_at_once_with_the_held_ones(tmp_path: Path) -> None:
    async with sqlite_checkpointer(tmp_path / "held.db") as saver:
        with writes_held_for_checkpoints():
            first = await _first(saver)
            trips = _count_trips(saver)
            await saver.aput_writes(first, [("notes", ["finished"])], task_id="task-1")
            await saver.aput_writes(first, [(ERROR, "boom")], task_id="task-2")
            assert trips == ["transaction"]  # both, in one trip, before the call returned
            saved = await saver.aget_tuple(first)
    assert saved is not None
    assert saved.pending_writes == [("task-1", "notes", ["finished"]), ("task-2", ERROR, "boom")]


async def test_closing_the_saver_commits_the_writes_it_holds(tmp_path: Path) -> None:
    path = tmp_path / "held.db"
    async with sqlite_checkpointer(path) as saver:
        with writes_held_for_checkpoints():
            first = await _first(saver)
            await saver.aput_writes(first, [("notes", ["last"])], task_id="task-1")
    async with sqlite_checkpointer(path) as reopened:
        saved = await reopened.aget_tuple(first)
    assert saved is not None and saved.pending_writes == [("task-1", "notes", ["last"])]


async def test_outside_an_engines_run_writes_are_committed_before_their_call_returns(tmp_path: Path) -> None:
    async with sqlite_checkpointer(tmp_path / "one-trip.db") as saver:
        trips = _count_trips(saver)
        written = await _put_one(saver)
        assert trips == ["transaction", "transaction"]
        saved = await saver.aget_tuple(written)
    assert saved is not None and len(saved.pending_writes or []) == 2


async def test_the_writes_of_a_node_that_acts_outside_are_committed_at_once(tmp_path: Path) -> None:
    async with sqlite_checkpointer(tmp_path / "held.db") as saver:
        with writes_held_for_checkpoints(except_nodes={"deliver"}):
            first = await _first(saver)
            trips = _count_trips(saver)
            await saver.aput_writes(first, [("notes", ["checked"])], "task-1", task_path="~__pregel_pull, validate")
            assert trips == []
            await saver.aput_writes(first, [("notes", ["sent"])], "task-2", task_path="~__pregel_pull, deliver")
            assert trips == ["transaction"]  # with the one held before it
            saved = await saver.aget_tuple(first)
    assert saved is not None
    assert sorted(saved.pending_writes or []) == [("task-1", "notes", ["checked"]), ("task-2", "notes", ["sent"])]


async def test_held_writes_that_cannot_be_committed_are_lost_as_in_a_crash_and_closing_goes_on(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="claimflow.runtime.held_writes")
    path = tmp_path / "held.db"
    async with sqlite_checkpointer(path) as saver:
        with writes_held_for_checkpoints():
            first = await _first(saver)
            await saver.conn.execute(
                "CREATE TRIGGER refuse BEFORE INSERT ON writes BEGIN SELECT RAISE(ABORT, 'disk gone'); END"
            )
            await saver.conn.commit()
            await saver.aput_writes(first, [("notes", ["lost"])], task_id="task-1")
    assert "could not be committed" in caplog.text and "disk gone" in caplog.text
    async with sqlite_checkpointer(path) as reopened:
        saved = await reopened.aget_tuple(first)
    assert saved is not None and saved.pending_writes == []


async def test_closing_waits_a_bounded_time_for_writes_that_cannot_be_committed(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A database gone mid-batch: closing gives up on the held writes rather than wait for a session forever."""
    caplog.set_level(logging.DEBUG, logger="claimflow.runtime.held_writes")
    started: list[list[str]] = []

    async def never_committed(rows: list[str]) -> None:
        started.append(rows)
        await asyncio.sleep(3600)

    held: HeldWrites[str] = HeldWrites(never_committed, seconds=0.01)
    held.hold(("t", "", "c1"), ["late"])
    await asyncio.sleep(0.05)  # the first group waited too long: it is being committed in the background
    held.hold(("t", "", "c2"), ["at closing"])
    clock = asyncio.get_running_loop().time()
    await held.commit_all(within=0.2)
    assert asyncio.get_running_loop().time() - clock < 1
    assert started == [["late"], ["at closing"]]
    assert "2 groups of held task writes were not committed before closing" in caplog.text
