"""LangGraph's SQLite saver, writing each checkpoint and each step's writes in one trip to its database thread.

`AsyncSqliteSaver` talks to SQLite through aiosqlite, which runs every call on the connection's own thread
and hands the result back to the event loop: a checkpoint costs three such trips (execute, commit, closing
the cursor), a step's writes four. A trip is a queue hand-off, a thread wake-up and a wake-up of the event
loop; with thirteen checkpoints and as many writes per document they were the larger part of a text
document's time on two cores. Here the statements and the commit of one write run as one function on that
thread, so a write is one trip. Rows, SQL and transactions are the stock saver's: what it wrote, it reads.

The function runs through aiosqlite's `Connection._execute` on the connection it wraps, in order with every
other call the saver makes; that method is not public, so the version range is pinned in `pyproject.toml` and
`tests/runtime/test_sqlite_saver.py` fails if it changes.

During an engine's run a task's ordinary writes wait briefly for the step's checkpoint and are committed in its
trip, so a step of one task is one trip and one commit; writes that wait too long, those that pause or fail a
step, and a delivery's are committed on their own (see `claimflow.runtime.held_writes`).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Sequence
from typing import Any, cast

import aiosqlite
from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import (
    WRITES_IDX_MAP,
    ChannelVersions,
    Checkpoint,
    CheckpointMetadata,
    CheckpointTuple,
    get_checkpoint_id,
    get_checkpoint_metadata,
)
from langgraph.checkpoint.serde.base import SerializerProtocol
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver
from langgraph.checkpoint.sqlite.utils import load_pending_writes, pending_writes_sql

from claimflow.runtime.checkpoint_encoding import ChannelEncodings
from claimflow.runtime.checkpoint_serde import CompactSerializer
from claimflow.runtime.held_writes import HeldWrites, WriteKey, may_hold, write_key
from claimflow.runtime.sqlite_erasure import TRUNCATE_WAL

_PUT_CHECKPOINT = (
    "INSERT OR REPLACE INTO checkpoints (thread_id, checkpoint_ns, checkpoint_id, parent_checkpoint_id, type, "
    "checkpoint, metadata) VALUES (?, ?, ?, ?, ?, ?, ?)"
)
_CHECKPOINT_COLUMNS = "thread_id, checkpoint_id, parent_checkpoint_id, type, checkpoint, metadata"
_GET_CHECKPOINT = (
    f"SELECT {_CHECKPOINT_COLUMNS} FROM checkpoints WHERE thread_id = ? AND checkpoint_ns = ? AND checkpoint_id = ?"
)
_GET_LATEST_CHECKPOINT = (
    f"SELECT {_CHECKPOINT_COLUMNS} FROM checkpoints WHERE thread_id = ? AND checkpoint_ns = ?"
    " ORDER BY checkpoint_id DESC LIMIT 1"
)
_WRITE_COLUMNS = "writes (thread_id, checkpoint_ns, checkpoint_id, task_id, task_path, idx, channel, type, value)"
# Special channels (errors, interrupts, resume values) have fixed indexes and replace; others are kept once.
_REPLACE_WRITES = f"INSERT OR REPLACE INTO {_WRITE_COLUMNS} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
_KEEP_WRITES = f"INSERT OR IGNORE INTO {_WRITE_COLUMNS} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"


class OneTripSqliteSaver(AsyncSqliteSaver):
    """`AsyncSqliteSaver` whose `aput`, `aput_writes` and `aget_tuple` each make one trip to the connection's thread."""

    def __init__(self, conn: aiosqlite.Connection, *, serde: SerializerProtocol | None = None) -> None:
        super().__init__(conn, serde=serde)
        self._encodings = ChannelEncodings()
        self._held: HeldWrites[tuple[Any, ...]] = HeldWrites(self._commit_writes)

    async def _commit_writes(self, rows: list[tuple[Any, ...]]) -> None:
        """Ordinary writes that waited too long for their checkpoint, in a trip of their own."""
        await self._in_one_trip(lambda database: database.executemany(_KEEP_WRITES, rows))

    async def commit_held_writes(self) -> None:
        """Commit every write still held for a checkpoint (before the connection closes)."""
        await self._held.commit_all()

    def _after_held(
        self, key: WriteKey, then: Callable[[sqlite3.Connection], object]
    ) -> Callable[[sqlite3.Connection], None]:
        """One trip's work: the writes held for checkpoint `key` (no longer held), then `then`."""
        held = self._held.take(key)

        def write(database: sqlite3.Connection) -> None:
            if held:
                database.executemany(_KEEP_WRITES, held)
            then(database)

        return write

    async def _in_one_trip(self, write: Callable[[sqlite3.Connection], object]) -> None:
        """Run `write` and commit on the connection's thread (rolled back if it raises), under the saver's lock."""

        def transaction() -> None:
            database = self.conn._conn  # the sqlite3 connection aiosqlite drives; only its thread may use it
            with database:  # commit, or roll back on an error
                write(database)

        async with self.lock:
            await self.conn._execute(transaction)  # type: ignore[no-untyped-call]

    async def erase_deleted(self) -> None:
        """Checkpoint the write-ahead log into the database and truncate it: its frames hold deleted checkpoints too."""

        def truncate() -> None:
            self.conn._conn.execute(TRUNCATE_WAL).fetchall()  # on the connection's thread, as every statement

        async with self.lock:
            await self.conn._execute(truncate)  # type: ignore[no-untyped-call]

    async def aget_tuple(self, config: RunnableConfig) -> CheckpointTuple | None:
        """The checkpoint `config` names (its latest, without an id), with its pending writes, read in one trip.

        The stock saver's queries, run together on the connection's thread (it makes four trips: a cursor, the
        query, its row, closing the cursor; more when a checkpoint is found); every run's start reads one.
        """
        await self.setup()
        configurable = config["configurable"]
        thread_id, checkpoint_ns = str(configurable["thread_id"]), configurable.get("checkpoint_ns", "")
        wanted = get_checkpoint_id(config)
        writes_sql = pending_writes_sql(self._has_task_path)

        def read() -> tuple[tuple[Any, ...] | None, list[Any]]:
            database = self.conn._conn  # the sqlite3 connection aiosqlite drives; only its thread may use it
            if wanted:
                found = database.execute(_GET_CHECKPOINT, (thread_id, checkpoint_ns, wanted)).fetchone()
            else:
                found = database.execute(_GET_LATEST_CHECKPOINT, (thread_id, checkpoint_ns)).fetchone()
            if found is None:
                return None, []
            return found, database.execute(writes_sql, (thread_id, checkpoint_ns, found[1])).fetchall()

        async with self.lock:
            found, writes = await self.conn._execute(read)  # type: ignore[no-untyped-call]
        if found is None:
            return None
        _, checkpoint_id, parent_id, type_, checkpoint, metadata = found
        return CheckpointTuple(
            {"configurable": {"thread_id": thread_id, "checkpoint_ns": checkpoint_ns, "checkpoint_id": checkpoint_id}}
            if not wanted
            else config,
            self.serde.loads_typed((type_, checkpoint)),
            cast(CheckpointMetadata, json.loads(metadata) if metadata is not None else {}),
            {"configurable": {"thread_id": thread_id, "checkpoint_ns": checkpoint_ns, "checkpoint_id": parent_id}}
            if parent_id
            else None,
            load_pending_writes(writes, self.serde),
        )

    async def aput(
        self,
        config: RunnableConfig,
        checkpoint: Checkpoint,
        metadata: CheckpointMetadata,
        new_versions: ChannelVersions,  # noqa: ARG002 - the stock saver keeps whole checkpoints, too
    ) -> RunnableConfig:
        """Save a checkpoint (as the stock saver does, whole) in one trip, with the writes held for it.

        Only the channels written since the thread's last checkpoint are encoded again.
        """
        await self.setup()
        configurable = config["configurable"]
        thread_id, checkpoint_ns = configurable["thread_id"], configurable["checkpoint_ns"]
        if isinstance(self.serde, CompactSerializer):  # unchanged channels are not encoded again
            encoded = self._encodings.encode(_thread(thread_id, checkpoint_ns), checkpoint)
            type_, serialized = self.serde.compressed("msgpack", encoded)
        else:
            type_, serialized = self.serde.dumps_typed(checkpoint)
        serialized_metadata = json.dumps(get_checkpoint_metadata(config, metadata), ensure_ascii=False)
        row = (
            str(thread_id),
            checkpoint_ns,
            checkpoint["id"],
            configurable.get("checkpoint_id"),
            type_,
            serialized,
            serialized_metadata.encode("utf-8", "ignore"),
        )
        # With the writes of the step this checkpoint ends.
        await self._in_one_trip(
            self._after_held(write_key(config), lambda database: database.execute(_PUT_CHECKPOINT, row))
        )
        return {
            "configurable": {"thread_id": thread_id, "checkpoint_ns": checkpoint_ns, "checkpoint_id": checkpoint["id"]}
        }

    def _dump_write(self, key: tuple[str, str, str], channel: str, value: Any) -> tuple[str, bytes]:
        """A write's stored form; its encoding is kept for the checkpoint after it (see `ChannelEncodings`)."""
        if not isinstance(self.serde, CompactSerializer) or value is None or isinstance(value, bytes | bytearray):
            return self.serde.dumps_typed(value)  # None and bytes are stored as they are, not as msgpack
        thread_id, checkpoint_ns, _ = key
        return self.serde.compressed(
            "msgpack", self._encodings.encode_write(_thread(thread_id, checkpoint_ns), channel, value)
        )

    async def aput_writes(
        self, config: RunnableConfig, writes: Sequence[tuple[str, Any]], task_id: str, task_path: str = ""
    ) -> None:
        """Store a task's writes to a checkpoint (as the stock saver does) in one trip, or hold them for it.

        During an engine's run, ordinary writes wait for the step's checkpoint (`claimflow.runtime.held_writes`).
        """
        query = _REPLACE_WRITES if all(channel in WRITES_IDX_MAP for channel, _ in writes) else _KEEP_WRITES
        key = write_key(config)
        rows = [
            (
                *key,
                task_id,
                task_path,
                WRITES_IDX_MAP.get(channel, index),
                channel,
                *self._dump_write(key, channel, value),
            )
            for index, (channel, value) in enumerate(writes)
        ]
        if may_hold(writes, task_path):
            self._held.hold(key, rows)  # before any await: the step's checkpoint is saved after this call begins
            return
        # A pause, a failure or a delivery: what the step's other tasks wrote goes first.
        write = self._after_held(key, lambda database: database.executemany(query, rows))
        await self.setup()
        await self._in_one_trip(write)


def _thread(thread_id: object, checkpoint_ns: object) -> str:
    """A thread and namespace as one key of `ChannelEncodings`."""
    return f"{thread_id}\0{checkpoint_ns}"
