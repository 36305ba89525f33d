"""Giving up a run's lease on Postgres, on its own or as the last write of a run (its settlement): one round trip.

Releasing is a compare-and-set: the run's row is written only where `owner` still holds the lease, or nobody
does. What follows it depends on whether it wrote, which in one round trip no statement can learn from Python
(see `_pg_trip`), so each reads it in SQL: a new review's clock is set by the same UPDATE, which reads the row
as it was; the pending decisions' outcome by a statement after it, which reads whether the run's lease is gone,
under the row lock taken before either. The time written is read as the statements are sent, before any wait
for that lock (a claim or a review change in progress holds it for a few statements).
"""

from __future__ import annotations

import time
from typing import Any, LiteralString, Unpack

import psycopg

from claimflow.runtime.registry._pg_finals import SAVE_FINAL
from claimflow.runtime.registry._pg_reviews import event_columns, events_insert
from claimflow.runtime.registry._pg_schema import PgDatabase, Row
from claimflow.runtime.registry._pg_text import storable
from claimflow.runtime.registry._pg_trip import one_round_trip
from claimflow.runtime.registry.runs import ReleaseChanges, RunNotFoundError, RunRow, kept_message, review_clock
from claimflow.runtime.registry.settlement import Settlement

SAVE_RECORD_KEY: LiteralString = (
    "INSERT INTO claimflow_record_keys (run_id, doc_type, key) VALUES (%s, %s, %s) ON CONFLICT (run_id)"
    " DO UPDATE SET doc_type = EXCLUDED.doc_type, key = EXCLUDED.key"
)
"""Keeps a completed record's duplicate key: run id, document type, key (a run's new key replaces its old one)."""

_APPEND_EVENTS = events_insert()

_LOCK_RUN: LiteralString = "SELECT FROM claimflow_runs WHERE run_id = %s FOR UPDATE"

_NEW_REVIEW: LiteralString = "%(opens)s AND interrupt_id IS DISTINCT FROM %(interrupt_id)s"
"""The run pauses at another review than the one it waited on (SET reads the row as it was)."""

_RELEASE: LiteralString = (
    "UPDATE claimflow_runs SET status = %(status)s, doc_type = COALESCE(%(doc_type)s, doc_type),"
    " interrupt_id = %(interrupt_id)s, error = %(error)s, superseded_by = COALESCE(%(superseded_by)s, superseded_by),"
    " lease_owner = NULL, lease_until = NULL,"
    " updated_at = %(now)s,"
    # A new review starts its clock, unassigned; the same review released again keeps its own.
    " review_opened_at = CASE WHEN " + _NEW_REVIEW + " THEN %(opened_at)s ELSE review_opened_at END,"
    " review_due_at = CASE WHEN " + _NEW_REVIEW + " THEN %(due_at)s ELSE review_due_at END,"
    " assignee = CASE WHEN " + _NEW_REVIEW + " THEN NULL ELSE assignee END,"
    " priority = CASE WHEN " + _NEW_REVIEW + " THEN NULL ELSE priority END,"
    " escalated_at = CASE WHEN " + _NEW_REVIEW + " THEN NULL ELSE escalated_at END,"
    " overdue_at = CASE WHEN " + _NEW_REVIEW + " THEN NULL ELSE overdue_at END"
    " WHERE run_id = %(run_id)s AND (lease_owner = %(owner)s OR lease_owner IS NULL)"
)

_SETTLE_DECISIONS: LiteralString = (
    "UPDATE claimflow_review_decisions SET outcome = %s, message = COALESCE(%s, message)"
    " WHERE run_id = %s AND outcome = 'pending'"
    # Released: the lease is gone. Refused: another owner's is there still, its row locked by this transaction.
    " AND EXISTS (SELECT FROM claimflow_runs WHERE run_id = %s AND lease_owner IS NULL)"
)


def _send_release(conn: psycopg.Connection[Row], how: Settlement, now: float) -> None:
    """Send the statements giving up the lease as `how` says (its status, review, decisions), reading no result."""
    # The clock a new review would start: whether the review is new, the UPDATE tells.
    clock = review_clock(how.status, None, how.interrupt_id, how.review_due, now)
    opened_at, due_at = clock if clock is not None else (None, None)
    if how.decisions is not None:
        # The row lock first, whatever the release does: whether it wrote stays so until the decisions read it.
        conn.execute(_LOCK_RUN, (how.run_id,))
    released: dict[str, Any] = {
        "status": how.status,
        "doc_type": how.doc_type,
        "interrupt_id": how.interrupt_id,
        "error": storable(how.error),
        "superseded_by": how.superseded_by,
        "now": now,
        "opens": clock is not None,
        "opened_at": opened_at,
        "due_at": due_at,
        "run_id": how.run_id,
        "owner": how.owner,
    }
    conn.execute(_RELEASE, released)
    if how.decisions is not None:
        conn.execute(
            _SETTLE_DECISIONS, (how.decisions, storable(kept_message(how.decision_message)), how.run_id, how.run_id)
        )


class PgSettlement(PgDatabase):
    """Releasing runs, and writing where a run ended, each in one transaction sent in one round trip."""

    def release(self, run_id: str, *, owner: str, status: str, **changes: Unpack[ReleaseChanges]) -> None:
        """Record where the run stands and give up its lease (unless another owner holds it).

        `decisions`, when given, is the outcome the run's pending review decisions get in the same transaction,
        with `decision_message` saying why when given. A run pausing at a new review starts its clock: due
        `review_due` seconds from now (None: no due time).
        """
        how = Settlement(run_id=run_id, owner=owner, status=status, **changes)
        with self.session() as conn, one_round_trip(conn):
            _send_release(conn, how, time.time())

    def settle(self, settlement: Settlement) -> RunRow:
        """Write where a run ended (see `Settlement`), all of it or nothing, and read the run back: one round trip.

        RunNotFoundError for a run not registered (after its events, key and final state were kept, as
        `append_events` keeps any run's: the engine settles only runs it registered or claimed).
        """
        run_id, now = settlement.run_id, time.time()
        events = event_columns([(run_id, settlement.events)])
        with self.session() as conn:
            with one_round_trip(conn):
                if events:
                    conn.execute(_APPEND_EVENTS, events)
                if settlement.record_key is not None:
                    conn.execute(SAVE_RECORD_KEY, (run_id, *settlement.record_key))
                if settlement.final_state is not None:
                    conn.execute(SAVE_FINAL, (run_id, settlement.final_state, now))
                _send_release(conn, settlement, now)
                found = conn.execute("SELECT * FROM claimflow_runs WHERE run_id = %s", (run_id,))
            row = found.fetchone()
        if row is None:
            raise RunNotFoundError(f"no run {run_id!r}; `claimflow runs` lists them", run_id=run_id)
        return RunRow(**row)
