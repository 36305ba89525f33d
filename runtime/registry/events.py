"""Append-only audit events, the index of completed records and the prompt pins."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from claimflow.runtime.registry._database import Database
from claimflow.runtime.registry.runs import HOLDS_ITS_KEY
from claimflow.state.events import Event, EventType

INSERT_EVENT = "INSERT OR IGNORE INTO events (event_id, run_id, type, step, at, data) VALUES (?, ?, ?, ?, ?, ?)"
"""Appends one event; one already stored (same id) is skipped."""


def event_rows(run_id: str, events: Iterable[Event]) -> list[tuple[str, ...]]:
    """The events of a run as rows for `INSERT_EVENT`."""
    return [
        (e.event_id, run_id, e.type, e.step, e.at.isoformat(), json.dumps(e.data, default=str, sort_keys=True))
        for e in events
    ]


USAGE_TOTALS = "SELECT count(*), COALESCE(sum(json_extract(data, '$.cost')), 0) FROM events WHERE type = 'model.called'"
"""Model calls and their cost: answered from the `events_model_cost` index alone, which matches it word for word."""


class EventLog(Database):
    """The events table (append-only: triggers refuse updates and deletes)."""

    def append_events(self, run_id: str, events: Iterable[Event]) -> int:
        """Append events; an event already stored (same id) is skipped. Returns how many were new."""
        return self.append_many([(run_id, list(events))])

    def append_many(self, batches: Sequence[tuple[str, Sequence[Event]]]) -> int:
        """Append several runs' events in one transaction; events already stored are skipped."""
        rows = [row for run_id, events in batches for row in event_rows(run_id, events)]
        if not rows:
            return 0
        with self._write() as db:
            before = db.total_changes
            db.executemany(INSERT_EVENT, rows)
            return db.total_changes - before

    def usage_totals(self) -> tuple[int, float]:
        """Model calls recorded in every run's events, and their cost."""
        calls, cost = self._db.execute(USAGE_TOTALS).fetchone()
        return int(calls), float(cost)

    def event_ids(self, run_id: str) -> set[str]:
        """The ids of the run's stored events."""
        return {row[0] for row in self._db.execute("SELECT event_id FROM events WHERE run_id = ?", (run_id,))}

    def events(self, run_id: str, after: int = 0) -> list[dict[str, Any]]:
        """The run's events in the order they were stored (those after sequence number `after`)."""
        cursor = self._db.execute(
            "SELECT seq, event_id, type, step, at, data FROM events WHERE run_id = ? AND seq > ? ORDER BY seq",
            (run_id, after),
        )
        return [{**dict(row), "data": json.loads(row["data"])} for row in cursor]

    def count_events(self, run_id: str, kind: EventType, *, job_id: int | None = None) -> int:
        """How many of the run's events are of type `kind` (with `job_id`: only those whose data names that job)."""
        where = " AND json_extract(data, '$.job_id') = ?" if job_id is not None else ""
        extra = (job_id,) if job_id is not None else ()
        row = self._db.execute(
            "SELECT count(*) FROM events WHERE run_id = ? AND type = ?" + where, (run_id, kind, *extra)
        ).fetchone()
        return int(row[0])


_CLAIMS_AHEAD = (
    "SELECT c.run_id FROM key_claims c JOIN runs r ON r.run_id = c.run_id WHERE c.doc_type = ? AND c.key = ?"
    " AND c.seq < (SELECT seq FROM key_claims WHERE run_id = ?)"
)
"""The runs that held a duplicate key before run `?` did (the rest of the condition is the caller's)."""

_AHEAD = (
    "SELECT run_id FROM record_keys WHERE doc_type = ? AND key = ? AND run_id != ? UNION "
    + _CLAIMS_AHEAD
    + f" AND r.superseded_by IS NULL AND r.status IN ({', '.join('?' * len(HOLDS_ITS_KEY))}) ORDER BY run_id"
)
"""The runs ahead: completed with the key, or holding it first and still holding it (`HOLDS_ITS_KEY`)."""


class RecordKeyTable(Database):
    """Records by their type's duplicate key, for duplicate rules: the completed ones, and the runs holding one.

    A run holds its record's key from its validation on (`claim_key`): of two copies of a document under way at
    once, or waiting for review side by side, the one that held the key first is the original and the other its
    duplicate, as if the first had completed. A run that fails or is rejected lets go of it; one run again hands
    it to its new run (`hand_over_key`), which keeps its place.
    """

    def register_record(self, run_id: str, doc_type: str, key: str) -> None:
        """Remember a completed record's duplicate key (a run registered again replaces its key)."""
        with self._write() as db:
            db.execute(
                "INSERT OR REPLACE INTO record_keys (run_id, doc_type, key) VALUES (?, ?, ?)", (run_id, doc_type, key)
            )

    def runs_with_key(self, doc_type: str, key: str, *, exclude_run: str) -> list[str]:
        """Other completed runs of `doc_type` with the same duplicate key."""
        cursor = self._db.execute(
            "SELECT run_id FROM record_keys WHERE doc_type = ? AND key = ? AND run_id != ? ORDER BY run_id",
            (doc_type, key, exclude_run),
        )
        return [row["run_id"] for row in cursor]

    def claim_key(self, doc_type: str, key: str | None, *, run_id: str) -> list[str]:
        """Hold the duplicate key for `run_id`; return the other runs ahead of it with that key, by run id.

        Ahead: completed with it, or holding it since before `run_id` did and still under way, in review or
        undelivered (`HOLDS_ITS_KEY`). A run keeps its place while its key stays the same (validated again after an
        edit), and takes a new one when the key changes; a key of None (a key field emptied) lets go of it. One
        write transaction: two runs claiming at once are put in an order.
        """
        if key is None:
            # Most runs without a key never held one: a write transaction only for one that did.
            if self._db.execute("SELECT 1 FROM key_claims WHERE run_id = ?", (run_id,)).fetchone() is not None:
                with self._write() as db:
                    db.execute("DELETE FROM key_claims WHERE run_id = ?", (run_id,))
            return []
        if self._holds(self._db, run_id, doc_type, key):
            # Validated again with the same key (a decision's edit): its place stands, and looking writes nothing,
            # so a run re-validated while another process writes the registry does not wait for it.
            return self._ahead(self._db, doc_type, key, run_id)
        with self._write() as db:
            if not self._holds(db, run_id, doc_type, key):
                db.execute("DELETE FROM key_claims WHERE run_id = ?", (run_id,))
                db.execute("INSERT INTO key_claims (run_id, doc_type, key) VALUES (?, ?, ?)", (run_id, doc_type, key))
            return self._ahead(db, doc_type, key, run_id)

    @staticmethod
    def _holds(db: sqlite3.Connection, run_id: str, doc_type: str, key: str) -> bool:
        held = db.execute("SELECT doc_type, key FROM key_claims WHERE run_id = ?", (run_id,)).fetchone()
        return held is not None and (held["doc_type"], held["key"]) == (doc_type, key)

    @staticmethod
    def _ahead(db: sqlite3.Connection, doc_type: str, key: str, run_id: str) -> list[str]:
        cursor = db.execute(_AHEAD, (doc_type, key, run_id, doc_type, key, run_id, *HOLDS_ITS_KEY))
        return [row["run_id"] for row in cursor]

    def hand_over_key(self, run_id: str, *, to: str) -> None:
        """Give the key `run_id` holds to `to`, the run of the same document that replaces it, in its place."""
        with self._write() as db:
            db.execute("UPDATE key_claims SET run_id = ? WHERE run_id = ?", (to, run_id))

    def claims_ahead(self, doc_type: str, key: str, *, run_id: str) -> list[str]:
        """The runs that held the key before `run_id` did, whatever became of them since (read only), by run id."""
        cursor = self._db.execute(_CLAIMS_AHEAD + " ORDER BY c.run_id", (doc_type, key, run_id))
        return [row["run_id"] for row in cursor]


class PromptPins(Database):
    """Each prompt version's hash as first used here: a prompt's text cannot change under the same version."""

    def pin_prompts(self, hashes: Mapping[str, str]) -> dict[str, str]:
        """Pin every unseen `ref -> hash`; return the refs already pinned to another hash (with that hash)."""
        with self._write() as db:
            pinned = {row["ref"]: row["hash"] for row in db.execute("SELECT ref, hash FROM prompt_pins")}
            db.executemany(
                "INSERT INTO prompt_pins (ref, hash, first_seen) VALUES (?, ?, ?)",
                [(ref, digest, time.time()) for ref, digest in hashes.items() if ref not in pinned],
            )
        return {ref: pinned[ref] for ref, digest in hashes.items() if pinned.get(ref, digest) != digest}

    def pinned_prompts(self) -> dict[str, str]:
        """Every prompt version pinned here, with its hash (read only: `claimflow check`)."""
        return {row["ref"]: row["hash"] for row in self._db.execute("SELECT ref, hash FROM prompt_pins")}
