"""Erasing a finished run's content from the registry, keeping its audit shape (`claimflow erase`).

In one transaction per run: its events' data, its final state and its review decisions keep only what
`claimflow.runtime.retention.scrub` keeps (names, rules, checks, verdicts, models, counts, times), its row loses
its file name, source path and error text, its duplicate key goes, and one `run.erased` event says when, why and
how much was erased. The events stay append-only for everything else: the trigger refusing updates is lifted in
that transaction alone, and every other column of an event (id, type, step, time) is left as it was.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from claimflow.runtime.registry._database import APPEND_ONLY_UPDATE, Database
from claimflow.runtime.registry.events import INSERT_EVENT, event_rows
from claimflow.runtime.registry.runs import FINISHED, SUPERSEDED, RunBusyError, RunNotFoundError
from claimflow.runtime.retention.scrub import ERASED, scrub
from claimflow.runtime.sqlite_erasure import TRUNCATE_WAL
from claimflow.state.events import Event, EventType, event

ERASED_EVENT: EventType = "run.erased"
"""The event a run's erasure appends; a run with one is erased, and erasing it again changes nothing."""


@dataclass(frozen=True)
class Erased:
    """What erasing a run changed in the registry (`Erased.facts` are the `run.erased` event's data)."""

    events: int
    """Events whose data lost texts."""
    decisions: int
    """Review decisions whose values, comments and messages were erased."""
    final_state: bool
    """Whether a final state was kept for the run (and is now erased)."""
    record_keys: int
    """Duplicate-key rows removed (the completed record's, and the key its run held)."""

    def facts(self, reason: str, removed: Mapping[str, int]) -> dict[str, Any]:
        """The `run.erased` event's data: why, and the counts of what went (never a value)."""
        return {
            "reason": reason,
            "events": self.events,
            "decisions": self.decisions,
            "final_state": self.final_state,
            "record_keys": self.record_keys,
            **removed,
        }


def scrubbed_data(data: dict[str, Any]) -> dict[str, Any]:
    """An event's data as erasure leaves it."""
    kept: dict[str, Any] = scrub(data)
    return kept


def scrubbed_decision(decision: str, message: str | None) -> tuple[str, str | None]:
    """A stored review decision (its JSON, and the message on its outcome) as erasure leaves them."""
    try:
        parsed = json.loads(decision)
    except ValueError:
        parsed = decision
    return json.dumps(scrub(parsed), sort_keys=True), (ERASED if message else message)


def scrubbed_state(state: str) -> str:
    """A final state's JSON as erasure leaves it: every field, table, rule and review still there, values erased."""
    return json.dumps(scrub(json.loads(state)))


def erased_error(error: str | None, superseded_by: str | None) -> str | None:
    """A run's error once erased: none stays none; a superseded run's still names its new run (no personal data)."""
    if superseded_by is not None:
        return SUPERSEDED + superseded_by
    return None if error is None else ERASED


def check_erasable(run_id: str, status: str) -> None:
    """Raise RunBusyError unless the run is finished (completed, failed or rejected), saying what to do first."""
    if status in FINISHED:
        return
    first = {
        "needs_review": f"reject it first (claimflow review decide {run_id} --reject --reason ...)",
        "delivery_failed": f"deliver it (claimflow deliver retry {run_id}) or wait until it finishes",
        "resume_queued": "wait until it finishes",
    }.get(status, "wait until it finishes")
    raise RunBusyError(f"run {run_id} is {status}, not finished: only a finished run can be erased; {first}")


def changed_events(rows: Iterable[Mapping[str, Any]]) -> list[tuple[str, int]]:
    """(new data as JSON, seq) of each event row whose data erasure changes."""
    changed: list[tuple[str, int]] = []
    for row in rows:
        data = row["data"] if isinstance(row["data"], dict) else json.loads(row["data"])
        kept = scrubbed_data(data)
        if kept != data:
            changed.append((json.dumps(kept, default=str, sort_keys=True), int(row["seq"])))
    return changed


def erased_event(reason: str, erased: Erased, removed: Mapping[str, int]) -> Event:
    """The `run.erased` event: when (its time), why, and the counts."""
    return event(ERASED_EVENT, "erase", **erased.facts(reason, removed))


class RunErasure(Database):
    """Erasing a finished run's content from the SQLite registry (see the module)."""

    def erase_run(self, run_id: str, *, reason: str, removed: Mapping[str, int]) -> Erased | None:
        """Erase the run's content in one transaction; None when it was erased before (nothing changes then).

        `removed`: what went outside the registry (checkpoint bytes, blobs), for the `run.erased` event.
        Raises RunNotFoundError for no such run, RunBusyError for one not finished.
        """
        with self._write() as db:
            row = db.execute("SELECT * FROM runs WHERE run_id = ?", (run_id,)).fetchone()
            if row is None:
                raise RunNotFoundError(f"no run {run_id!r}", run_id=run_id)
            check_erasable(run_id, row["status"])
            if db.execute("SELECT 1 FROM events WHERE run_id = ? AND type = ?", (run_id, ERASED_EVENT)).fetchone():
                return None
            rows = db.execute("SELECT seq, data FROM events WHERE run_id = ?", (run_id,)).fetchall()
            events = changed_events(rows)
            # DDL is part of the transaction: no other connection ever sees the events without their trigger.
            db.execute("DROP TRIGGER IF EXISTS events_append_only_update")
            db.executemany("UPDATE events SET data = ? WHERE seq = ?", events)
            db.execute(APPEND_ONLY_UPDATE)
            decisions = db.execute(
                "SELECT seq, decision, message FROM review_decisions WHERE run_id = ?", (run_id,)
            ).fetchall()
            db.executemany(
                "UPDATE review_decisions SET decision = ?, message = ? WHERE seq = ?",
                [(*scrubbed_decision(d["decision"], d["message"]), d["seq"]) for d in decisions],
            )
            final = db.execute("SELECT state FROM run_finals WHERE run_id = ?", (run_id,)).fetchone()
            if final is not None:
                db.execute("UPDATE run_finals SET state = ? WHERE run_id = ?", (scrubbed_state(final["state"]), run_id))
            db.execute(
                "UPDATE runs SET filename = ?, source = NULL, error = ? WHERE run_id = ?",
                (ERASED, erased_error(row["error"], row["superseded_by"]), run_id),
            )
            keys = db.execute("DELETE FROM record_keys WHERE run_id = ?", (run_id,)).rowcount
            keys += db.execute("DELETE FROM key_claims WHERE run_id = ?", (run_id,)).rowcount
            erased = Erased(len(events), len(decisions), final is not None, keys)
            db.executemany(INSERT_EVENT, event_rows(run_id, [erased_event(reason, erased, removed)]))
        return erased

    def erased_runs(self, run_ids: Iterable[str]) -> set[str]:
        """Those of `run_ids` that were erased."""
        ids = list(run_ids)
        marks = ", ".join("?" * len(ids))
        query = f"SELECT DISTINCT run_id FROM events WHERE type = ? AND run_id IN ({marks})"  # noqa: S608 - marks only
        return {row[0] for row in self._db.execute(query, (ERASED_EVENT, *ids))} if ids else set()

    def erase_deleted(self) -> None:
        """Leave no copy of the erased values in the registry's write-ahead log (see `sqlite_erasure`)."""
        self._db.execute(TRUNCATE_WAL).fetchall()
