"""`CLAIMFLOW_SQLITE_SYNCHRONOUS` holds for every database of the data directory: checkpoints, registry, documents.

A checkpoint names the texts the document store holds, so a checkpoint that survives a power failure is worth
nothing if the text it names did not: the three connections an engine opens must all be set alike.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from claimflow.doctypes import BUILTIN_TYPES
from claimflow.runtime.engine import open_engine
from claimflow.runtime.registry._database import Database
from claimflow.runtime.settings import Settings, SettingsError
from claimflow.runtime.sqlitestore import SqliteDocumentStore
from tests.integration._docs import write

# SQLite's numbers for `PRAGMA synchronous`.
LEVEL = {"NORMAL": 1, "FULL": 2}


def _level(connection: sqlite3.Connection) -> int:
    row: Any = connection.execute("PRAGMA synchronous").fetchone()
    return int(row[0])


@pytest.mark.parametrize("synchronous", ["NORMAL", "FULL"])
async def test_every_database_the_engine_opens_has_the_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, synchronous: str
) -> None:
    monkeypatch.setenv("CLAIMFLOW_SQLITE_SYNCHRONOUS", synchronous)
    settings = Settings.load(data_dir=tmp_path / "data")
    async with open_engine(settings, types=BUILTIN_TYPES) as engine:
        view = await engine.process(write(tmp_path, "receipt.txt", "Tailspin Coffee\nTOTAL EUR 4.20\n"))
        cursor = await engine.graph.checkpointer.conn.execute("PRAGMA synchronous")  # type: ignore[union-attr]
        checkpoints = int((await cursor.fetchone())[0])
        registry = _level(engine.registry.sync._db)  # type: ignore[attr-defined]  # noqa: SLF001 - its connection
        documents = _level(engine.store.files._db)  # type: ignore[attr-defined]  # noqa: SLF001 - its connection
    assert view.status in ("completed", "needs_review")  # the databases were written to, not only opened
    assert (checkpoints, registry, documents) == (LEVEL[synchronous],) * 3


def test_a_store_or_registry_refuses_another_value_before_making_its_file(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="NORMAL or FULL"):
        SqliteDocumentStore(tmp_path / "documents.db", synchronous="OFF")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="NORMAL or FULL"):
        Database(tmp_path / "claimflow.db", synchronous="OFF")  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []


def test_the_setting_takes_only_normal_or_full(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAIMFLOW_SQLITE_SYNCHRONOUS", "OFF")
    with pytest.raises(SettingsError, match="CLAIMFLOW_SQLITE_SYNCHRONOUS='OFF'"):
        Settings.load(data_dir=tmp_path)
