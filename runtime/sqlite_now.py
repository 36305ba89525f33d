"""SQLite writes that may run on the event loop: those that need not wait.

In WAL mode with `synchronous=NORMAL` a small commit is an append to the WAL, with no sync: some 20-30 us, where
handing it to a thread and back costs 0.2-0.5 ms (two wake-ups, each waiting for the interpreter lock). What
could make it wait is kept off the loop: another connection's write lock (the attempt fails at once, having
written nothing, and the caller runs the write on its thread, which waits), and a WAL checkpoint, which syncs
the disk (connections written from the loop are opened with `wal_autocheckpoint=0` and checkpoint on their
thread every `CHECKPOINT_EVERY` writes).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

BUSY_TIMEOUT_MS = 30_000
"""How long a write on a thread waits for another process's write lock."""

CHECKPOINT_EVERY = 500
"""Writes from the event loop between two passive WAL checkpoints on the thread (a few MB of WAL)."""


def without_waiting(database: sqlite3.Connection, transaction: Callable[[], None]) -> bool:
    """Run `transaction` unless it would wait for another connection's lock; whether it ran.

    A busy database fails the statement at once (nothing written, the transaction rolled back), to be run
    again where waiting blocks no one. Any other error is the write's own, and raised.
    """
    database.execute("PRAGMA busy_timeout=0")
    try:
        transaction()
    except sqlite3.OperationalError as error:
        if error.sqlite_errorcode & 0xFF != sqlite3.SQLITE_BUSY:
            raise
        return False
    finally:
        database.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    return True


def checkpoint_wal(database: sqlite3.Connection) -> None:
    """Copy what the WAL holds into the database, as far as no reader needs it (never waiting for one)."""
    database.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()  # read out: no statement left running
