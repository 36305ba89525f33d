"""The registry database: its schema, and the connection every table shares.

Writes that must not race (claiming a run, recording a decision) run in `BEGIN IMMEDIATE`
transactions: SQLite then admits one writer at a time, across processes.
"""

from __future__ import annotations

import errno
import re
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from claimflow.runtime.data_dir import DataDirectoryError
from claimflow.runtime.private import private_database
from claimflow.runtime.sqlite_durability import SqliteSynchronous, synchronous_pragma, use_wal
from claimflow.runtime.sqlite_erasure import SECURE_DELETE
from claimflow.runtime.sqlite_read import read_only_uri
from claimflow.runtime.sqlite_write import write_transaction

APPEND_ONLY_UPDATE = (
    "CREATE TRIGGER IF NOT EXISTS events_append_only_update BEFORE UPDATE ON events"
    " BEGIN SELECT RAISE(ABORT, 'events are append-only'); END"
)
"""Refuses every change to a stored event; erasing a run lifts it inside its own transaction only (`erasure`)."""

_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS runs (
    run_id TEXT PRIMARY KEY,
    document_id TEXT NOT NULL,
    filename TEXT NOT NULL,
    media_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    workflow TEXT NOT NULL,
    workflow_version TEXT NOT NULL,
    model TEXT NOT NULL,
    status TEXT NOT NULL,
    doc_type TEXT,
    interrupt_id TEXT,
    error TEXT,
    lease_owner TEXT,
    lease_until REAL,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    source TEXT
);
CREATE INDEX IF NOT EXISTS runs_status ON runs(status);
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id TEXT NOT NULL UNIQUE,
    run_id TEXT NOT NULL,
    type TEXT NOT NULL,
    step TEXT NOT NULL,
    at TEXT NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_run ON events(run_id, seq);
-- Every /metrics scrape sums the model calls' cost: this index alone answers it (`usage_totals`), where the scan
-- read every event of every run on the registry's one thread while the runs' writes waited.
CREATE INDEX IF NOT EXISTS events_model_cost ON events(json_extract(data, '$.cost')) WHERE type = 'model.called';
{APPEND_ONLY_UPDATE};
CREATE TRIGGER IF NOT EXISTS events_append_only_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TABLE IF NOT EXISTS review_decisions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id TEXT NOT NULL,
    interrupt_id TEXT,
    reviewer TEXT NOT NULL,
    decision TEXT NOT NULL,
    outcome TEXT NOT NULL,
    message TEXT,
    at REAL NOT NULL,
    decider TEXT
);
CREATE INDEX IF NOT EXISTS review_decisions_run ON review_decisions(run_id, seq);
CREATE TABLE IF NOT EXISTS record_keys (
    run_id TEXT PRIMARY KEY,
    doc_type TEXT NOT NULL,
    key TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS record_keys_key ON record_keys(doc_type, key);
CREATE TABLE IF NOT EXISTS key_claims (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id TEXT NOT NULL UNIQUE,
    doc_type TEXT NOT NULL,
    key TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS key_claims_key ON key_claims(doc_type, key, seq);
CREATE TABLE IF NOT EXISTS run_finals (
    run_id TEXT PRIMARY KEY,
    state TEXT NOT NULL,
    stored_at REAL NOT NULL,
    pruned_at REAL
);
CREATE TABLE IF NOT EXISTS prompt_pins (
    ref TEXT PRIMARY KEY,
    hash TEXT NOT NULL,
    first_seen REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS api_tokens (
    name TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL,
    types TEXT,
    created_at REAL NOT NULL,
    revoked_at REAL
);
"""

_TABLES = frozenset(re.findall(r"CREATE TABLE IF NOT EXISTS (\w+)", _SCHEMA))
"""The tables the schema makes."""

_ADDED_COLUMNS = (
    ("review_decisions", "decider", "TEXT"),
    ("runs", "source", "TEXT"),
    ("runs", "review_opened_at", "REAL"),
    ("runs", "review_due_at", "REAL"),
    ("runs", "assignee", "TEXT"),
    ("runs", "priority", "TEXT"),
    ("runs", "escalated_at", "REAL"),
    ("runs", "overdue_at", "REAL"),
    ("runs", "model_base_url", "TEXT"),
    ("runs", "superseded_by", "TEXT"),
)
"""Columns added after the tables were first made: (table, column, type)."""

_FILLED_WHEN_ADDED = {
    # Runs run again before the column: each has its `run.superseded` event, which names the new run, and an
    # error saying so (a run's error alone could be a file's name).
    ("runs", "superseded_by"): (
        "UPDATE runs SET superseded_by = (SELECT json_extract(data, '$.rerun') FROM events"
        " WHERE events.run_id = runs.run_id AND type = 'run.superseded' ORDER BY seq DESC LIMIT 1)"
        # A run without that event gets NULL, which it has.
        " WHERE status = 'failed' AND substr(error, 1, 25) = 'superseded: run again as '"  # runs.SUPERSEDED
    ),
}
"""What fills a column added to an existing table, in the transaction that adds it."""


_ADDED_INDEXES = (("runs_document", "document_id, source"), ("runs_source", "source, created_at, run_id"))
"""Indexes of `runs` made once its added columns are there: name and columns."""


class Database:
    """One SQLite connection in WAL mode, with the schema applied."""

    def __init__(self, path: Path, *, synchronous: SqliteSynchronous = "NORMAL", read_only: bool = False) -> None:
        """Open (and create, or upgrade) the registry at `path`; `read_only`: only read it, changing nothing.

        Raises:
            DataDirectoryError: `read_only`, and the registry cannot be read as it is (see `read_only_uri`).
        """
        pragma = synchronous_pragma(synchronous)  # refused before any file is touched
        # The thread inside `together`, whose writes join its transaction rather than open their own.
        self._together = threading.local()
        if read_only:
            uri = read_only_uri(path)
            self._db = sqlite3.connect(uri, uri=True, timeout=30.0, isolation_level=None, check_same_thread=False)
            self._db.row_factory = sqlite3.Row
            self._check_upgraded(path)
            return
        private_database(path)
        self._db = sqlite3.connect(path, timeout=30.0, isolation_level=None, check_same_thread=False)
        self._db.row_factory = sqlite3.Row
        use_wal(self._db)
        # In WAL mode NORMAL syncs at checkpoints, not at every commit: a commit survives a killed process,
        # only power loss may take the last ones. FULL syncs every commit.
        self._db.execute(pragma)
        self._db.execute("PRAGMA busy_timeout=30000")
        # An erased run's values, and every earlier version of a row rewritten since, do not stay in freed space.
        self._db.execute(SECURE_DELETE)
        self._db.executescript(_SCHEMA)
        self._add_missing_columns()

    def _add_missing_columns(self) -> None:
        # Data directories made before decisions named their decider, runs knew their source or reviews their
        # deadline and assignee: each column is added once, whoever gets there first (checked again inside the
        # write transaction).
        for table, column, kind in _ADDED_COLUMNS:
            if not self._has_column(table, column):
                with self._write() as db:
                    if not self._has_column(table, column):
                        db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")
                        if (table, column) in _FILLED_WHEN_ADDED:
                            db.execute(_FILLED_WHEN_ADDED[table, column])
        # On columns a data directory may have only since the loop above. A file's latest run is looked up by its
        # source alone, twice a new file: without `runs_source` each look reads every run.
        for index, columns in _ADDED_INDEXES:
            if not self._db.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (index,)).fetchone():
                with self._write() as db:
                    db.execute(f"CREATE INDEX IF NOT EXISTS {index} ON runs({columns})")

    def _check_upgraded(self, path: Path) -> None:
        # A registry no command of this version wrote may lack tables or columns this version reads: opened read
        # only, it cannot be given them, and every query would fail naming one.
        tables = {row["name"] for row in self._db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not tables.issuperset(_TABLES) or any(
            not self._has_column(table, column) for table, column, _ in _ADDED_COLUMNS
        ):
            self._db.close()
            reason = (
                "an earlier version wrote its registry: a command that may write it upgrades it, then it can be read"
            )
            raise DataDirectoryError(path.parent, OSError(errno.EACCES, reason, str(path)))

    def _has_column(self, table: str, column: str) -> bool:
        return any(row["name"] == column for row in self._db.execute(f"PRAGMA table_info({table})"))

    def close(self) -> None:
        """Close the connection."""
        self._db.close()

    @contextmanager
    def together(self) -> Iterator[None]:
        """One transaction for every call this thread makes inside: all of them are committed, or none."""
        if getattr(self._together, "open", False):
            yield
            return
        with write_transaction(self._db):
            self._together.open = True
            try:
                yield
            finally:
                self._together.open = False

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        # A write transaction of its own, or the one `together` holds open.
        with self.together():
            yield self._db
