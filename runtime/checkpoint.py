"""Checkpointer factory: SQLite by default, with an explicit serde allowlist of our state types (`checkpoint_serde`).

The Postgres saver is in `claimflow.runtime.checkpoint_postgres`, imported only where a database URL is set:
psycopg and LangGraph's Postgres saver are a tenth of a second to load, which a SQLite run never needs.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiosqlite
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

from claimflow.runtime.checkpoint_serde import (
    CHECKPOINT_TYPES,
    COMPRESS_FROM,
    COMPRESSED,
    CompactSerializer,
    serializer,
)
from claimflow.runtime.private import private_database
from claimflow.runtime.sqlite_durability import SqliteSynchronous, synchronous_pragma
from claimflow.runtime.sqlite_saver import OneTripSqliteSaver

__all__ = [
    "CHECKPOINT_TYPES",
    "COMPRESSED",
    "COMPRESS_FROM",
    "CompactSerializer",
    "serializer",
    "sqlite_checkpointer",
]


@asynccontextmanager
async def sqlite_checkpointer(
    path: Path, *, synchronous: SqliteSynchronous = "NORMAL"
) -> AsyncIterator[AsyncSqliteSaver]:
    """A SQLite saver on `path` in WAL mode (one trip to its thread per write), set up and closed with the context.

    `synchronous=NORMAL` (the default): a checkpoint the engine was told is written survives a killed
    process; the last ones may be lost on power failure. `FULL`: it survives power loss too, at an fsync
    per step.
    """
    pragma = synchronous_pragma(synchronous)  # refused before any file is touched
    await asyncio.to_thread(private_database, path)  # file modes: off the event loop
    async with aiosqlite.connect(path, timeout=30.0) as connection:
        await connection.execute("PRAGMA journal_mode=WAL")
        await connection.execute(pragma)
        await connection.execute("PRAGMA busy_timeout=30000")
        saver = OneTripSqliteSaver(connection, serde=serializer())
        await saver.setup()
        try:
            yield saver
        finally:
            await saver.commit_held_writes()
