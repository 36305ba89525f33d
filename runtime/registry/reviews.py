"""The review queue's bookkeeping on the run row: due time, assignee, priority, escalation, overdue mark.

Every change to a review goes through `update_review`: in one transaction, under the run's row lock, it checks that
the run still waits on the review the caller looked at, asks the caller's `refuse` whether the change still
holds (a claim on a review someone else took, a second overdue mark), writes the change and appends its audit
events. So a change and its events are stored together or not at all, and two processes never both make it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from claimflow.runtime.registry._database import Database
from claimflow.runtime.registry.events import INSERT_EVENT, event_rows
from claimflow.runtime.registry.runs import RunBusyError, RunNotFoundError, RunRow
from claimflow.state.events import Event

REVIEW_COLUMNS = frozenset({"assignee", "priority", "escalated_at", "overdue_at"})
"""The columns `update_review` may change."""

Refusal = Callable[[RunRow], "str | None"]
"""Given the run as it stands, why the change must not be made now, or None to make it."""


def check_review_change(row: RunRow, interrupt_id: str, changes: Mapping[str, Any], refuse: Refusal | None) -> None:
    """Raise RunBusyError saying why, unless `changes` may be made to the review in `row` (every backend uses this)."""
    unknown = set(changes) - REVIEW_COLUMNS
    if unknown:
        raise ValueError(f"not review columns: {', '.join(sorted(unknown))}")
    if row.status != "needs_review":
        raise RunBusyError(f"run {row.run_id} is {row.status}, not waiting for review")
    if row.interrupt_id != interrupt_id:
        raise RunBusyError(f"run {row.run_id} waits on review {row.interrupt_id} now, not {interrupt_id}")
    reason = refuse(row) if refuse is not None else None
    if reason is not None:
        raise RunBusyError(reason)


def iso_time(moment: float | None) -> str | None:
    """A Unix time as ISO 8601 in UTC, as the queue's JSON and events write it (None stays None)."""
    return None if moment is None else datetime.fromtimestamp(moment, UTC).isoformat()


def due_time(row: RunRow) -> float | None:
    """When the run's review is due (Unix time), or None: no due time, or one stored that no date can hold.

    A `due` longer than 3650 days (`99999999999999d`) was taken before 3650d was made the most, and may have put
    a review's due time past the year 9999, where no ISO time or date reaches. Such a review was never meant to
    come due: it reads as one with no due time, as a type with no `due` entry has. Every reader of a stored due
    time reads it through here.
    """
    due = row.review_due_at
    if due is None:
        return None
    try:
        datetime.fromtimestamp(due, UTC)
    except (OverflowError, OSError, ValueError):  # past the year 9999 (or before 1), or not a number at all (NaN)
        return None
    return due


@dataclass(frozen=True)
class ReviewView:
    """A review as the queue shows it, read off the run row (`review list --json` prints `as_json()`)."""

    opened_at: float | None
    due_at: float | None
    overdue: bool
    """Past its due time at the moment the view was taken."""
    assignee: str | None
    priority: str
    escalated: bool

    @classmethod
    def of(cls, row: RunRow, now: float) -> ReviewView:
        """The review of a run in the queue, as it stands at `now` (Unix time)."""
        due = due_time(row)
        return cls(
            opened_at=row.review_opened_at,
            due_at=due,
            overdue=due is not None and due <= now,
            assignee=row.assignee,
            priority=row.priority or "normal",
            escalated=row.escalated_at is not None,
        )

    def as_json(self) -> dict[str, Any]:
        """`{"opened_at", "due_at"}` as ISO 8601 UTC times (or null), and the rest as they are."""
        return {
            "opened_at": iso_time(self.opened_at),
            "due_at": iso_time(self.due_at),
            "overdue": self.overdue,
            "assignee": self.assignee,
            "priority": self.priority,
            "escalated": self.escalated,
        }


class ReviewTable(Database):
    """Changing a review's assignment, priority and marks, with its audit events, in one transaction."""

    def update_review(
        self,
        run_id: str,
        *,
        interrupt_id: str,
        changes: Mapping[str, Any],
        events: Sequence[Event],
        refuse: Refusal | None = None,
    ) -> RunRow:
        """Change the review `interrupt_id` of the run and append `events`, or raise RunBusyError saying why."""
        with self._write() as db:
            found = db.execute("SELECT * FROM runs WHERE run_id = ?", (run_id,)).fetchone()
            if found is None:
                raise RunNotFoundError(f"no run {run_id!r}")
            check_review_change(RunRow(**dict(found)), interrupt_id, changes, refuse)
            assignments = ", ".join(f"{column} = ?" for column in changes)
            db.execute(f"UPDATE runs SET {assignments} WHERE run_id = ?", (*changes.values(), run_id))
            db.executemany(INSERT_EVENT, event_rows(run_id, events))
            changed = db.execute("SELECT * FROM runs WHERE run_id = ?", (run_id,)).fetchone()
        return RunRow(**dict(changed))
