"""Two processes opening a new data directory at once both switch its databases to WAL: the second waits its turn.

SQLite answers a switch to WAL on a file another connection holds "database is locked" at once; a second
`claimflow run` started beside the first on a fresh data directory stopped with that traceback.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path

import aiosqlite
import pytest

from claimflow.runtime.sqlite_durability import use_wal, use_wal_async


def _held(path: Path, seconds: float) -> threading.Event:
    """Hold `path` exclusively for `seconds` on another thread; the event is set once it is held."""
    held = threading.Event()

    def hold() -> None:
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN EXCLUSIVE")
        held.set()
        threading.Event().wait(seconds)
        other.execute("ROLLBACK")
        other.close()

    threading.Thread(target=hold, daemon=True).start()
    held.wait(5)
    return held


def test_a_switch_to_wal_waits_for_the_file_held_elsewhere(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    db = sqlite3.connect(path, timeout=0, isolation_level=None)
    _held(path, 0.3)
    with pytest.raises(sqlite3.OperationalError, match="database is locked"):
        db.execute("PRAGMA journal_mode=WAL")  # what the open did before
    use_wal(db)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_the_checkpoints_switch_waits_alike(tmp_path: Path) -> None:
    path = tmp_path / "checkpoints.db"

    async def switched() -> str:
        async with aiosqlite.connect(path, timeout=0) as connection:
            _held(path, 0.3)
            await use_wal_async(connection)
            async with connection.execute("PRAGMA journal_mode") as cursor:
                row = await cursor.fetchone()
        assert row is not None
        return str(row[0])

    assert asyncio.run(switched()) == "wal"


def test_another_error_is_not_waited_on(tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "closed.db")
    db.close()
    with pytest.raises(sqlite3.ProgrammingError):
        use_wal(db)
