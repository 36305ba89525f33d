"""The review queue's bookkeeping on Postgres: the same `update_review` as SQLite's, under the run's row lock."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, LiteralString

import psycopg
from psycopg import sql

from claimflow.runtime.registry._pg_schema import PgDatabase, Row
from claimflow.runtime.registry._pg_text import storable_json
from claimflow.runtime.registry.reviews import Refusal, check_review_change
from claimflow.runtime.registry.runs import RunNotFoundError, RunRow
from claimflow.state.events import Event


def events_insert(where: LiteralString = "") -> LiteralString:
    """The statement that appends events in the order given (if `where` holds), one already stored skipped.

    One statement however many (one round trip). Its parameters are one array per column (`event_columns`), sent
    in binary: as text each element of an array is escaped by a regular expression, which took half of a run's
    last trip.
    """
    return (
        "INSERT INTO claimflow_events (event_id, run_id, type, step, at, data)"
        " SELECT e.event_id, e.run_id, e.type, e.step, e.at, e.data::jsonb"
        " FROM unnest(%b::text[], %b::text[], %b::text[], %b::text[], %b::text[], %b::text[]) WITH ORDINALITY"
        " AS e (event_id, run_id, type, step, at, data, n)" + (" WHERE " + where if where else "") + " ORDER BY e.n"
        " ON CONFLICT (event_id) DO NOTHING"
    )


INSERT_EVENTS = events_insert() + " RETURNING seq"
"""Appends events in the order given (see `events_insert`), returning a row for each one new."""


def event_columns(batches: Sequence[tuple[str, Sequence[Event]]]) -> list[list[str]]:
    """Several runs' events as `events_insert` takes them: one list per column (none when there are no events)."""
    rows = [
        (e.event_id, run_id, e.type, e.step, e.at.isoformat(), storable_json(e.data))
        for run_id, events in batches
        for e in events
    ]
    return [list(column) for column in zip(*rows, strict=True)]


def insert_events(conn: psycopg.Connection[Row], batches: Sequence[tuple[str, Sequence[Event]]]) -> int:
    """Append several runs' events, in order, in one statement; returns how many were new (not stored before).

    One statement rather than a row's each: the server is a round trip away, and a run's last trip holds
    twenty-odd events.
    """
    columns = event_columns(batches)
    if not columns:
        return 0
    return len(conn.execute(INSERT_EVENTS, columns).fetchall())


class PgReviewTable(PgDatabase):
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
        """Change the review `interrupt_id` of the run and append `events`, or raise RunBusyError saying why.

        The row lock makes a second change wait for the first one's commit, then judge the run as it left it.
        """
        with self._write() as conn:
            found = conn.execute("SELECT * FROM claimflow_runs WHERE run_id = %s FOR UPDATE", (run_id,)).fetchone()
            if found is None:
                raise RunNotFoundError(f"no run {run_id!r}")
            check_review_change(RunRow(**found), interrupt_id, changes, refuse)
            assignments = sql.SQL(", ").join(
                sql.SQL("{} = {}").format(sql.Identifier(column), sql.Placeholder()) for column in changes
            )
            changed = conn.execute(
                sql.SQL("UPDATE claimflow_runs SET {} WHERE run_id = %s RETURNING *").format(assignments),
                (*changes.values(), run_id),
            ).fetchone()
            insert_events(conn, [(run_id, events)])
        assert changed is not None  # the row is locked: it cannot have gone
        return RunRow(**changed)
