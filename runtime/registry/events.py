"""Append-only audit events, review decisions and the invoice index."""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from typing import Any

from claimflow.runtime.registry._database import Database
from claimflow.state.events import Event
from claimflow.state.normalize import compact, fold


class EventLog(Database):
    """The events table (append-only: triggers refuse updates and deletes)."""

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


class DecisionLog(Database):
    """Every review decision submitted, applied or refused."""

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


class InvoiceTable(Database):
    """Finished invoices, for the duplicate rule."""

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
