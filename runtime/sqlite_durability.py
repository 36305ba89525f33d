"""How durable a commit to the data directory's SQLite databases is: one `synchronous` setting for all of them.

The checkpoints, the registry and the document store are three files, each with its own write-ahead log. A
checkpoint refers to the texts the document store holds, and the registry's status to the checkpoint; a promise
that commits survive a power failure holds only if every one of the three keeps it, so all three are opened with
the same setting (`CLAIMFLOW_SQLITE_SYNCHRONOUS`).
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from typing import TYPE_CHECKING, Literal, get_args

if TYPE_CHECKING:
    import aiosqlite

SqliteSynchronous = Literal["NORMAL", "FULL"]
"""SQLite's `synchronous` in WAL mode: NORMAL (a commit survives a killed process; the last ones may be lost on
power failure) or FULL (every commit is flushed to the disk, and survives power loss)."""

SQLITE_SYNCHRONOUS: tuple[str, ...] = get_args(SqliteSynchronous)
"""The values `synchronous` may take here."""


def synchronous_pragma(synchronous: str) -> str:
    """The statement that sets `synchronous` on a connection; anything but NORMAL or FULL is refused.

    The value is spliced into the statement (a PRAGMA takes no parameters), so it is checked first.
    """
    if synchronous not in SQLITE_SYNCHRONOUS:
        raise ValueError(f"synchronous must be NORMAL or FULL, not {synchronous!r}")
    return f"PRAGMA synchronous={synchronous}"


_WAL = "PRAGMA journal_mode=WAL"
WAL_WAIT_S = 30.0
"""How long opening a database waits for another process that switches the same new file to WAL at that moment."""


def _locked(error: sqlite3.OperationalError) -> bool:
    # Two processes opening a new data directory at once both switch its files to WAL; the switch takes the file
    # whole, and SQLite answers the second "database is locked" at once, without its busy timeout.
    return "database is locked" in str(error)


def use_wal(db: sqlite3.Connection) -> None:
    """Put `db` in WAL mode, waiting out another process switching the same file (`WAL_WAIT_S` at most)."""
    deadline = time.monotonic() + WAL_WAIT_S
    while True:
        try:
            db.execute(_WAL)
            return
        except sqlite3.OperationalError as error:
            if not _locked(error) or time.monotonic() >= deadline:
                raise
            time.sleep(0.02)


async def use_wal_async(connection: aiosqlite.Connection) -> None:
    """`use_wal` for an aiosqlite connection, waiting on the event loop."""
    deadline = time.monotonic() + WAL_WAIT_S
    while True:
        try:
            await connection.execute(_WAL)
            return
        except sqlite3.OperationalError as error:
            if not _locked(error) or time.monotonic() >= deadline:
                raise
            await asyncio.sleep(0.02)
