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
from claimflow.runtime.sqlite_durability import SqliteSynchronous, synchronous_pragma, use_wal_async
from claimflow.runtime.sqlite_erasure import SECURE_DELETE
from claimflow.runtime.sqlite_read import read_only_uri
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
    path: Path, *, synchronous: SqliteSynchronous = "NORMAL", read_only: bool = False
) -> AsyncIterator[AsyncSqliteSaver]:
    """A SQLite saver on `path` in WAL mode (one trip to its thread per write), set up and closed with the context.

    `synchronous=NORMAL` (the default): a checkpoint the engine was told is written survives a killed
    process; the last ones may be lost on power failure. `FULL`: it survives power loss too, at an fsync
    per step. `read_only`: the saver only reads, from a folder this process may not write (`read_only_uri`).

    Raises:
        DataDirectoryError: `read_only`, and the checkpoints cannot be read as they are.
    """
    pragma = synchronous_pragma(synchronous)  # refused before any file is touched
    if read_only:  # file look-ups and modes: off the event loop
        opened = aiosqlite.connect(await asyncio.to_thread(read_only_uri, path), uri=True, timeout=30.0)
    else:
        await asyncio.to_thread(private_database, path)
        opened = aiosqlite.connect(path, timeout=30.0)
    async with opened as connection:
        if not read_only:
            await use_wal_async(connection)
            await connection.execute(pragma)
            await connection.execute(SECURE_DELETE)  # a pruned checkpoint's bytes do not stay in the file
            await connection.execute("PRAGMA busy_timeout=30000")
        # The stock set-up creates no table that is there, and reads a read-only database as it is.
        saver = OneTripSqliteSaver(connection, serde=serializer())
        await saver.setup()
        try:
            yield saver
        finally:
            await saver.commit_held_writes()
