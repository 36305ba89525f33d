"""The run registry, the append-only events table and the invoice index, in one SQLite file.

Writes that must not race (claiming a run, recording a decision) run in `BEGIN IMMEDIATE`
transactions: SQLite then admits one writer at a time, across processes.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from state.documents import DocumentRef
from state.events import Event
from state.normalize import compact, fold

_SCHEMA = """
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
    updated_at REAL NOT NULL
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
CREATE TRIGGER IF NOT EXISTS events_append_only_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
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
    at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS invoices (
    run_id TEXT PRIMARY KEY,
    vendor_key TEXT NOT NULL,
    number_key TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS invoices_key ON invoices(vendor_key, number_key);
"""

LEASE_SECONDS = 600.0
"""How long a claimed run stays claimed if its process dies without releasing it."""


class RegistryError(Exception):
    """Base class for run registry errors."""


class RunNotFoundError(RegistryError):
    """No run has this id."""


class RunBusyError(RegistryError):
    """The run is claimed by another process or is not in a state that allows the operation."""


@dataclass(frozen=True)
class RunRow:
    """One row of the run registry."""

    run_id: str
    document_id: str
    filename: str
    media_type: str
    size: int
    workflow: str
    workflow_version: str
    model: str
    status: str
    doc_type: str | None
    interrupt_id: str | None
    error: str | None
    lease_owner: str | None
    lease_until: float | None
    created_at: float
    updated_at: float


def process_owner() -> str:
    """An owner id for leases: host and process."""
    return f"{socket.gethostname()}:{os.getpid()}"


def lease_is_stale(owner: str | None, until: float | None, now: float) -> bool:
    """A lease is stale when it expired, or when its process on this host is gone (a crash, a kill -9)."""
    if owner is None or until is None or until <= now:
        return True
    host, _, pid = owner.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


class Registry:
    """Run registry, events and invoice index over one SQLite database file."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, timeout=30.0, isolation_level=None, check_same_thread=False)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA busy_timeout=30000")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        """Close the connection."""
        self._db.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        else:
            self._db.execute("COMMIT")

    # runs ---------------------------------------------------------------------------------
    def create_run(
        self, *, run_id: str, document: DocumentRef, workflow: str, workflow_version: str, model: str
    ) -> RunRow:
        """Register a new queued run."""
        now = time.time()
        with self._write() as db:
            db.execute(
                "INSERT INTO runs (run_id, document_id, filename, media_type, size, workflow, workflow_version,"
                " model, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?)",
                (
                    run_id,
                    document.document_id,
                    document.filename,
                    document.media_type,
                    document.size,
                    workflow,
                    workflow_version,
                    model,
                    now,
                    now,
                ),
            )
        return self.get_run(run_id)

    def get_run(self, run_id: str) -> RunRow:
        """The run with this id (a unique prefix of at least 6 characters works too)."""
        row = self._db.execute("SELECT * FROM runs WHERE run_id = ?", (run_id,)).fetchone()
        if row is None and len(run_id) >= 6:
            rows = self._db.execute("SELECT * FROM runs WHERE run_id LIKE ?", (run_id + "%",)).fetchall()
            row = rows[0] if len(rows) == 1 else None
        if row is None:
            raise RunNotFoundError(f"no run {run_id!r}; `claimflow runs` lists them")
        return RunRow(**dict(row))

    def document_of(self, row: RunRow) -> DocumentRef:
        """The document reference a run was registered with."""
        return DocumentRef(document_id=row.document_id, filename=row.filename, media_type=row.media_type, size=row.size)

    def stale_runs(self) -> list[RunRow]:
        """Runs left queued, running or resuming by a process that is gone."""
        now = time.time()
        rows = [row for row in self.list_runs() if row.status in ("queued", "running", "resuming")]
        return [row for row in rows if row.lease_owner is None or lease_is_stale(row.lease_owner, row.lease_until, now)]

    def list_runs(self, status: str | None = None) -> list[RunRow]:
        """Runs, oldest first, optionally of one status."""
        query, args = "SELECT * FROM runs", ()  # type: tuple[str, tuple[str, ...]]
        if status:
            query, args = query + " WHERE status = ?", (status,)
        return [RunRow(**dict(row)) for row in self._db.execute(query + " ORDER BY created_at, run_id", args)]

    def claim(
        self, run_id: str, *, owner: str, allowed: Iterable[str], status: str, interrupt_id: str | None = None
    ) -> RunRow:
        """Atomically take the run's lease and move it to `status`, or raise RunBusyError saying why.

        `allowed` are the statuses the run may be in; `interrupt_id`, when given, must be the pending one.
        """
        allowed = tuple(allowed)
        now = time.time()
        with self._write() as db:
            row = db.execute("SELECT * FROM runs WHERE run_id = ?", (run_id,)).fetchone()
            if row is None:
                raise RunNotFoundError(f"no run {run_id!r}")
            if (
                row["lease_owner"]
                and row["lease_owner"] != owner
                and not lease_is_stale(row["lease_owner"], row["lease_until"], now)
            ):
                raise RunBusyError(f"run {run_id} is being processed by {row['lease_owner']} (status {row['status']})")
            if row["status"] not in allowed:
                raise RunBusyError(f"run {run_id} is {row['status']}, not {' or '.join(allowed)}")
            if interrupt_id is not None and row["interrupt_id"] != interrupt_id:
                raise RunBusyError(f"run {run_id} is waiting on review {row['interrupt_id']}, not {interrupt_id}")
            db.execute(
                "UPDATE runs SET status = ?, lease_owner = ?, lease_until = ?, updated_at = ? WHERE run_id = ?",
                (status, owner, now + LEASE_SECONDS, now, run_id),
            )
        return self.get_run(run_id)

    def release(
        self,
        run_id: str,
        *,
        owner: str,
        status: str,
        doc_type: str | None = None,
        interrupt_id: str | None = None,
        error: str | None = None,
    ) -> None:
        """Record where the run stands and give up its lease."""
        with self._write() as db:
            db.execute(
                "UPDATE runs SET status = ?, doc_type = COALESCE(?, doc_type), interrupt_id = ?, error = ?,"
                " lease_owner = NULL, lease_until = NULL, updated_at = ? WHERE run_id = ? AND"
                " (lease_owner = ? OR lease_owner IS NULL)",
                (status, doc_type, interrupt_id, error, time.time(), run_id, owner),
            )

    # events -------------------------------------------------------------------------------
    def append_events(self, run_id: str, events: Iterable[Event]) -> int:
        """Append events; an event already stored (same id) is skipped. Returns how many were new."""
        rows = [
            (
                e.event_id,
                run_id,
                e.type,
                e.step,
                e.at.isoformat(),
                json.dumps(e.data, default=str, sort_keys=True),
            )
            for e in events
        ]
        with self._write() as db:
            before = db.total_changes
            db.executemany(
                "INSERT OR IGNORE INTO events (event_id, run_id, type, step, at, data) VALUES (?, ?, ?, ?, ?, ?)",
                rows,
            )
            return db.total_changes - before

    def events(self, run_id: str) -> list[dict[str, Any]]:
        """The run's events in the order they were stored."""
        cursor = self._db.execute(
            "SELECT seq, event_id, type, step, at, data FROM events WHERE run_id = ? ORDER BY seq", (run_id,)
        )
        return [{**dict(row), "data": json.loads(row["data"])} for row in cursor]

    # review decisions ---------------------------------------------------------------------
    def record_decision(
        self,
        run_id: str,
        interrupt_id: str | None,
        reviewer: str,
        decision: str,
        outcome: str,
        message: str = "",
    ) -> None:
        """Keep every decision that was submitted, applied or refused."""
        with self._write() as db:
            db.execute(
                "INSERT INTO review_decisions (run_id, interrupt_id, reviewer, decision, outcome, message, at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (run_id, interrupt_id, reviewer, decision, outcome, message, time.time()),
            )

    def decisions(self, run_id: str) -> list[dict[str, Any]]:
        """Every decision submitted for a run."""
        cursor = self._db.execute("SELECT * FROM review_decisions WHERE run_id = ? ORDER BY seq", (run_id,))
        return [dict(row) for row in cursor]

    # invoice index ------------------------------------------------------------------------
    def register_invoice(self, run_id: str, vendor: str, number: str) -> None:
        """Remember a finished invoice for duplicate checks."""
        with self._write() as db:
            db.execute(
                "INSERT OR REPLACE INTO invoices (run_id, vendor_key, number_key) VALUES (?, ?, ?)",
                (run_id, fold(vendor), compact(number)),
            )

    def runs_with_invoice(self, vendor: str, number: str, *, exclude_run: str) -> list[str]:
        """Other runs that finished an invoice with the same vendor and number."""
        cursor = self._db.execute(
            "SELECT run_id FROM invoices WHERE vendor_key = ? AND number_key = ? AND run_id != ? ORDER BY run_id",
            (fold(vendor), compact(number), exclude_run),
        )
        return [row["run_id"] for row in cursor]
