"""The Postgres checkpointer: LangGraph's saver over a connection pool, each write one transaction.

Apart from `claimflow.runtime.checkpoint` so that only a process with a database URL loads psycopg.

By default a checkpoint's commit does not wait for the server to flush its write-ahead log (`synchronous_commit =
off` on the saver's sessions; `CLAIMFLOW_POSTGRES_SYNCHRONOUS_COMMIT=on` makes it wait). The commit is done and seen
by every session at once, so a checkpoint survives the engine's process being killed; only a crash of the database
server itself may take the last ones (the server flushes its log within three times `wal_writer_delay`, 0.6 s by
default). Nothing that answers to the world is lost with them: the registry's writes (a run's registration, its new
status, a review decision), the events and the writes committed at once (a delivery's, a pause's) wait for the
flush, and Postgres flushes its log in order, so each of those makes every checkpoint before it durable too. What
such a crash can lose is steps no one was told of, which run again when the run is continued.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any, cast, get_args

import orjson
from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import (
    WRITES_IDX_MAP,
    ChannelVersions,
    Checkpoint,
    CheckpointMetadata,
    get_serializable_checkpoint_metadata,
)
from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver
from langgraph.checkpoint.serde.types import _DeltaSnapshot
from psycopg import AsyncConnection, AsyncCursor, AsyncRawCursor
from psycopg.conninfo import conninfo_to_dict
from psycopg.rows import DictRow, dict_row
from psycopg.types.json import Jsonb
from psycopg_pool import AsyncConnectionPool

from claimflow.runtime.checkpoint import serializer
from claimflow.runtime.checkpoint_encoding import WrittenValues, stored_form
from claimflow.runtime.ended_sessions import AsyncSessionCheck
from claimflow.runtime.held_writes import HeldWrites, WriteKey, may_hold, write_key
from claimflow.runtime.reconnect import CONNECT_TIMEOUT_S, WAIT_S, ReconnectingAsyncPool
from claimflow.runtime.settings import SynchronousCommit

_WAIT_FOR_FLUSH = "SET LOCAL synchronous_commit TO DEFAULT"
"""A transaction that commits as the server is set to commit (as the registry's do): waiting for the flush, or for
a standby too where the server says so (`remote_apply`, ...), which "on" would weaken."""

Stored = tuple[str, bytes]
"""A value as the saver stores it: its type tag and its (compressed) serialization."""

PARAMETERS_PER_STATEMENT = 50
"""At most this many parameters in one INSERT of many rows: the most whose parsing psycopg caches.

psycopg turns a statement's `%s` placeholders into Postgres' `$n` once per statement text and keeps the result,
but only for a statement of at most 50 parameters (`MAX_CACHED_STATEMENT_PARAMS` in psycopg's `_queries`). A
longer one is parsed again each time it is sent, on the event loop: some 80 us for six writes, 155 us for twelve.
Sending a statement more in the pipeline costs less (a receipt on Postgres took 38.6 ms against 39.3 ms).
"""


def json_bytes(value: Any) -> bytes | str:
    """`value` as JSON for a `jsonb` column: by orjson, some seven times faster than `json.dumps` on a checkpoint.

    What orjson refuses (an integer over 64 bits) goes through `json.dumps`, as the stock saver sends it.
    """
    try:
        return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS)
    except TypeError:  # orjson.JSONEncodeError is one
        return json.dumps(value)


_ONE_ROW = re.compile(r"VALUES\s*(\([^()]*\))")


@functools.lru_cache(maxsize=256)
def rows_statement(statement: str, count: int) -> str:
    """`statement`, an INSERT of one row (`VALUES (%s, ...)`), rewritten to insert `count` rows at once.

    One statement of many rows, not one per row: in a pipeline each statement sent is a wait on the event
    loop, and the server runs each apart (a checkpoint of five writes and four channel values took some 12%
    longer so, and a fifth more CPU). Not `unnest` over arrays: building the arrays cost more than it saved.
    """
    one_row = _ONE_ROW.search(statement)
    if one_row is None:
        raise ValueError(f"not a one-row INSERT ... VALUES (...): {statement!r}")
    rows = ", ".join([one_row.group(1)] * count)
    return f"{statement[: one_row.start(1)]}{rows}{statement[one_row.end(1) :]}"


def rows_per_statement(width: int) -> int:
    """How many rows of `width` parameters one INSERT carries (`PARAMETERS_PER_STATEMENT`; one row at least)."""
    return max(1, PARAMETERS_PER_STATEMENT // width)


MAX_PARAMETERS = 65_535
"""The most parameters one statement may carry (the protocol counts them in 16 bits)."""

CHECKPOINT_PARAMETERS = 6
"""$1 thread, $2 namespace, $3 checkpoint id, $4 parent id (the checkpoint the step's writes belong to), $5 the
checkpoint, $6 its metadata."""

WRITE_PARAMETERS = 6
"""A held write's own: task id, task path, index, channel, type, blob (thread, namespace, checkpoint: $1 $2 $4)."""

BLOB_PARAMETERS = 4
"""A channel value's own: channel, version, type, blob (thread, namespace: $1 $2)."""


def fits_one_statement(writes: int, blobs: int) -> bool:
    """Whether a checkpoint with `writes` held writes and `blobs` channel values goes as one statement."""
    return CHECKPOINT_PARAMETERS + WRITE_PARAMETERS * writes + BLOB_PARAMETERS * blobs <= MAX_PARAMETERS


def _numbered_rows(count: int, shared: str, width: int, *, after: int) -> str:
    """`count` rows of VALUES, each the `shared` placeholders then `width` of its own, numbered on from `after`."""
    rows = []
    for row in range(count):
        first = after + row * width
        own = ", ".join(f"${first + offset}" for offset in range(1, width + 1))
        rows.append(f"({shared}, {own})")
    return ", ".join(rows)


@functools.lru_cache(maxsize=256)
def checkpoint_statement(writes: int, blobs: int) -> bytes:
    """One statement that stores a checkpoint with `writes` held writes and `blobs` channel values.

    The rows are the stock saver's (`INSERT_CHECKPOINT_WRITES_SQL`, `UPSERT_CHECKPOINT_BLOBS_SQL`,
    `UPSERT_CHECKPOINTS_SQL`), written by data-modifying `WITH` parts of the checkpoint's upsert, each of which
    Postgres runs once and to the end whether or not the statement reads it. One statement on an autocommit
    session is one transaction: no pipeline to open and close and sync, two statements fewer to send, each a
    wait on the event loop (a checkpoint took some 25% less of the loop's time). Native `$n` placeholders,
    sent by a raw cursor: psycopg parses nothing, whatever the count, and the thread, namespace and parent id
    are sent once, not in every row.
    """
    parts: list[str] = []
    if writes:
        parts.append(
            "writes AS (INSERT INTO checkpoint_writes"
            " (thread_id, checkpoint_ns, checkpoint_id, task_id, task_path, idx, channel, type, blob)"
            f" VALUES {_numbered_rows(writes, '$1, $2, $4', WRITE_PARAMETERS, after=CHECKPOINT_PARAMETERS)}"
            " ON CONFLICT (thread_id, checkpoint_ns, checkpoint_id, task_id, idx) DO NOTHING)"
        )
    if blobs:
        after = CHECKPOINT_PARAMETERS + WRITE_PARAMETERS * writes
        parts.append(
            "blobs AS (INSERT INTO checkpoint_blobs (thread_id, checkpoint_ns, channel, version, type, blob)"
            f" VALUES {_numbered_rows(blobs, '$1, $2', BLOB_PARAMETERS, after=after)}"
            " ON CONFLICT (thread_id, checkpoint_ns, channel, version) DO NOTHING)"
        )
    head = f"WITH {', '.join(parts)} " if parts else ""
    return (
        f"{head}INSERT INTO checkpoints"
        " (thread_id, checkpoint_ns, checkpoint_id, parent_checkpoint_id, checkpoint, metadata)"
        " VALUES ($1, $2, $3, $4, $5, $6)"
        " ON CONFLICT (thread_id, checkpoint_ns, checkpoint_id)"
        " DO UPDATE SET checkpoint = EXCLUDED.checkpoint, metadata = EXCLUDED.metadata"
    ).encode()


async def insert_rows(cur: AsyncCursor[Any], statement: str, rows: Sequence[Sequence[Any]]) -> None:
    """Insert `rows` with the one-row INSERT `statement`, `rows_per_statement` of them in each statement sent.

    Only for an INSERT that does nothing on conflict: rows of one statement may then share a key.
    """
    if not rows:
        return
    step = rows_per_statement(len(rows[0]))
    for start in range(0, len(rows), step):
        chunk = rows[start : start + step]
        await cur.execute(rows_statement(statement, len(chunk)), [value for row in chunk for value in row])


class PooledPostgresSaver(AsyncPostgresSaver):
    """LangGraph's Postgres saver over a pool: no process-wide lock, and each write one transaction.

    The stock saver serialises every operation behind one asyncio lock (needed for one shared connection, not
    for a pool, where each operation has its own session), and on an autocommit session each statement of a
    write is its own transaction: a checkpoint of several channels cost several WAL flushes. Here a checkpoint
    is one statement, a task's writes are pipelined inside one transaction (one flush), and runs write side by
    side. A checkpoint's channel values and a task's writes are serialized where they are made, before a session
    is taken, not handed to a thread and back while the session waits: a step changes a few small values, and
    the trip cost more than their encoding (a receipt on Postgres took 8-11% less time). During an engine's run a task's
    ordinary writes wait briefly for the step's checkpoint and go in its transaction
    (`claimflow.runtime.held_writes`).

    A value is serialized once: a channel a step wrote holds, in the checkpoint that ends the step, the very
    object its task wrote, which was serialized a moment before to store the task's writes; the checkpoint's
    blob takes that serialization (`WrittenValues`, as the SQLite saver's encodings do).
    """

    def __init__(
        self, conn: AsyncConnectionPool[Any], *, serde: Any = None, synchronous_commit: SynchronousCommit = "on"
    ) -> None:
        super().__init__(conn, serde=serde)
        self.synchronous_commit = synchronous_commit
        """The sessions' `synchronous_commit`; writes committed at once wait for the flush whatever it is."""
        self._held: HeldWrites[tuple[Any, ...]] = HeldWrites(self._commit_writes)
        self._written: WrittenValues[WriteKey, Stored] = WrittenValues()

    async def _commit_writes(self, rows: list[tuple[Any, ...]]) -> None:
        """Ordinary writes that waited too long for their checkpoint, in a transaction of their own."""
        async with self._cursor(pipeline=True) as cur:
            await insert_rows(cur, self.INSERT_CHECKPOINT_WRITES_SQL, rows)

    async def commit_held_writes(self) -> None:
        """Commit every write still held for a checkpoint (before the pool closes)."""
        await self._held.commit_all()

    @property
    def pool(self) -> AsyncConnectionPool[Any]:
        """The pool the saver takes its sessions from."""
        assert isinstance(self.conn, AsyncConnectionPool), "PooledPostgresSaver runs over an AsyncConnectionPool"
        return self.conn

    @asynccontextmanager
    async def _cursor(
        self, *, pipeline: bool = False, flushed: bool = False, raw: bool = False
    ) -> AsyncIterator[AsyncCursor[DictRow]]:
        """A cursor on a session of its own; `flushed`: in a transaction whose commit waits for the log's flush.

        `raw`: a raw cursor, whose statements name their parameters `$1`, `$2`, ... and are sent unparsed (pass
        `binary=True` to its `execute`).
        """
        async with self.pool.connection() as conn, AsyncExitStack() as stack:
            if pipeline:
                await stack.enter_async_context(conn.pipeline())
            cursor = (
                AsyncRawCursor(conn, row_factory=dict_row) if raw else conn.cursor(binary=True, row_factory=dict_row)
            )
            cur = await stack.enter_async_context(cursor)
            if flushed and self.synchronous_commit == "off":
                # In the same round trip as the writes: BEGIN, the SET, the statements, COMMIT.
                await stack.enter_async_context(conn.transaction())
                await cur.execute(_WAIT_FOR_FLUSH)
            yield cur

    async def aput(
        self,
        config: RunnableConfig,
        checkpoint: Checkpoint,
        metadata: CheckpointMetadata,
        new_versions: ChannelVersions,
    ) -> RunnableConfig:
        """Store a checkpoint as the stock saver does (same rows), with the writes held for it, in one statement.

        Mirrors `AsyncPostgresSaver.aput` of the pinned langgraph-checkpoint-postgres: primitive values stay inline
        in the checkpoint row, every other value (and a delta channel's snapshot) goes to the blobs table. The
        rows go as one statement (`checkpoint_statement`); a step of more rows than one may carry, as several.
        """
        configurable = config["configurable"]
        thread_id, checkpoint_ns = configurable["thread_id"], configurable["checkpoint_ns"]
        inline = checkpoint.copy()
        inline["channel_values"] = dict(checkpoint["channel_values"])
        blob_values: dict[str, Any] = {}
        for channel, value in checkpoint["channel_values"].items():
            if isinstance(value, _DeltaSnapshot):
                blob_values[channel] = inline["channel_values"].pop(channel)
                inline["channel_values"][channel] = True
            elif value is not None and not isinstance(value, (str, int, float, bool)):
                blob_values[channel] = inline["channel_values"].pop(channel)
        versions = {channel: version for channel, version in new_versions.items() if channel in blob_values}
        key = write_key(config)  # the checkpoint this one follows, which the step's writes belong to
        written = self._written.take(key)
        # Each changed value's own columns (channel, version, type, blob); its thread and namespace are the row's.
        values = [
            (channel, cast(str, version), *self._serialized(channel, blob_values[channel], written))
            for channel, version in versions.items()
        ]
        row = (
            thread_id,
            checkpoint_ns,
            checkpoint["id"],
            configurable.get("checkpoint_id"),
            Jsonb(inline, json_bytes),
            Jsonb(get_serializable_checkpoint_metadata(config, metadata), json_bytes),
        )
        writes = self._held.take(key)  # the writes of the step this checkpoint ends: rows of this thread and parent
        if fits_one_statement(len(writes), len(values)):
            parameters = [*row, *(own for write in writes for own in write[3:]), *(own for v in values for own in v)]
            async with self._cursor(raw=True) as cur:
                await cur.execute(checkpoint_statement(len(writes), len(values)), parameters, binary=True)
        else:  # more than a statement may carry: in several, in one transaction
            blobs = [(thread_id, checkpoint_ns, *value) for value in values]
            async with self._cursor(pipeline=True) as cur:
                await insert_rows(cur, self.INSERT_CHECKPOINT_WRITES_SQL, writes)
                await insert_rows(cur, self.UPSERT_CHECKPOINT_BLOBS_SQL, blobs)
                await cur.execute(self.UPSERT_CHECKPOINTS_SQL, row)
        return {
            "configurable": {"thread_id": thread_id, "checkpoint_ns": checkpoint_ns, "checkpoint_id": checkpoint["id"]}
        }

    def _serialized(self, channel: str, value: Any, written: Mapping[str, tuple[object, Stored]]) -> Stored:
        """A channel's value as the stock saver's `_dump_blobs` stores it, serialized once (see the class)."""
        found = stored_form(written, channel, value)
        return found if found is not None else self.serde.dumps_typed(value)

    async def aput_writes(
        self, config: RunnableConfig, writes: Sequence[tuple[str, Any]], task_id: str, task_path: str = ""
    ) -> None:
        """Store a task's writes as the stock saver does, in one transaction, serialized here; or hold them.

        During an engine's run, ordinary writes wait for the step's checkpoint (`claimflow.runtime.held_writes`).
        """
        special = all(channel in WRITES_IDX_MAP for channel, _ in writes)
        configurable = config["configurable"]
        rows = self._dump_writes(
            configurable["thread_id"],
            configurable["checkpoint_ns"],
            configurable["checkpoint_id"],
            task_id,
            task_path,
            writes,
        )
        key = write_key(config)
        for (channel, value), row in zip(writes, rows, strict=True):
            if channel not in WRITES_IDX_MAP:  # an interrupt, an error: never a channel's value
                self._written.remember(key, channel, value, (row[-2], row[-1]))
        if may_hold(writes, task_path):
            self._held.hold(key, rows)  # before any await: the checkpoint is saved after this begins
            return
        held = self._held.take(key)  # a pause, a failure or a delivery: what the step's other tasks wrote goes first
        # Committed at once because the world may hear of them (a delivery made, a review opened): they wait for
        # the flush, and so make every checkpoint before them durable (see the module).
        async with self._cursor(pipeline=True, flushed=True) as cur:
            await insert_rows(cur, self.INSERT_CHECKPOINT_WRITES_SQL, held)
            if special:  # an update on conflict may not meet its key twice in one statement: a row each
                await cur.executemany(self.UPSERT_CHECKPOINT_WRITES_SQL, rows)
            else:
                await insert_rows(cur, self.INSERT_CHECKPOINT_WRITES_SQL, rows)


@asynccontextmanager
async def postgres_checkpointer(
    url: str, *, size: int = 8, synchronous_commit: SynchronousCommit = "off", wait_s: float = WAIT_S
) -> AsyncIterator[AsyncPostgresSaver]:
    """An AsyncPostgresSaver over a pool of `size` sessions on `url`, set up and closed with the context.

    Each session must autocommit (otherwise checkpoints are silently never committed) and must return dict rows:
    the saver relies on both. Each prepares a statement the first time it sends it (`prepare_threshold=0`, as
    LangGraph's docs set it), so the server parses and plans a checkpoint's few statements once a session; the
    sessions are direct ones, as claimflow's registry needs anyway (not a transaction-mode pooler that loses
    prepared statements between transactions). A pool, not one shared session, so concurrent runs write their
    checkpoints side by side.
    `synchronous_commit` "off" (the default): a checkpoint's commit does not wait for the log's flush (see the
    module); "on": every commit waits, as the server's own `synchronous_commit` says (the sessions keep it).
    `wait_s`: how long a write waits for a session (the pool's `timeout`, see `claimflow.runtime.reconnect`).
    """
    if synchronous_commit not in get_args(SynchronousCommit):
        raise ValueError(f"synchronous_commit must be off or on, not {synchronous_commit!r}")

    async def configure(conn: AsyncConnection[Any]) -> None:
        if synchronous_commit == "off":
            await conn.execute("SET synchronous_commit = off")

    # TCP keepalives: a dead host's session (and anything it holds) goes away within about a minute. Sessions a
    # restart of the server ended are not lent (`ended_sessions`).
    check = AsyncSessionCheck()
    pool: ReconnectingAsyncPool[AsyncConnection[dict[str, Any]]] = ReconnectingAsyncPool(
        url,
        min_size=1,
        max_size=size,
        timeout=wait_s,
        open=False,
        kwargs={
            "autocommit": True,
            "prepare_threshold": 0,
            "row_factory": dict_row,
            "keepalives": 1,
            "keepalives_idle": 30,
            "keepalives_interval": 10,
            "keepalives_count": 3,
            # A server that takes the connection but never answers is not waited on for ever (the URL's own wins).
            **({} if "connect_timeout" in conninfo_to_dict(url) else {"connect_timeout": CONNECT_TIMEOUT_S}),
        },
        configure=configure,
        check=check,
    )
    check.watch(pool)
    await pool.open(wait=True)
    try:
        saver = PooledPostgresSaver(pool, serde=serializer(), synchronous_commit=synchronous_commit)
        await saver.setup()
        try:
            yield saver
        finally:
            await saver.commit_held_writes()
    finally:
        await pool.close()
