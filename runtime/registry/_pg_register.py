"""Registering a document's run on Postgres: one run however many processes register the document at once.

A transaction-level advisory lock on the document's identity (its id and source, or the source alone) orders
the registrants: the second waits for the first one's commit, then finds its run. The lock is a statement of its
own, before the one that looks: a statement sees the database as it was when it began, so one that took the lock
itself would not see the run committed while it waited.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import LiteralString

import psycopg

from claimflow.runtime.registry._pg_created import INSERT_INTO, RUN_VALUES, parameters
from claimflow.runtime.registry._pg_reviews import event_columns, events_insert
from claimflow.runtime.registry._pg_schema import Row
from claimflow.runtime.registry._pg_trip import one_round_trip
from claimflow.runtime.registry.runs import NewRun, RunRow
from claimflow.state.documents import DocumentRef
from claimflow.state.events import Event

LOCK_IDENTITY: LiteralString = "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))"
"""Holds a document's identity (see `identity`) until the transaction ends."""

FIND_LATEST: LiteralString = (
    "SELECT * FROM claimflow_runs WHERE (document_id = %s OR %s) AND source = %s"
    " ORDER BY created_at DESC, run_id DESC LIMIT 1"
)
"""The latest run of a document (or of anything, with the second parameter true) from a source."""


def identity(document: DocumentRef, source: str, *, by_source: bool) -> str:
    """What registrants of the same document lock: its id and source, or with `by_source` the source alone."""
    return source if by_source else f"{document.document_id}:{source}"


@cache
def _find_or_insert(*, with_events: bool) -> LiteralString:
    """The latest run found, or the new one inserted (and its first events), with whether it is new."""
    made = "made AS (" + INSERT_INTO + " SELECT " + RUN_VALUES + " WHERE NOT EXISTS (SELECT FROM found) RETURNING *)"
    started = ", started AS (" + events_insert("EXISTS (SELECT FROM made)") + ")" if with_events else ""
    return (
        "WITH found AS (" + FIND_LATEST + "), " + made + started + " SELECT *, false AS is_new FROM found"
        " UNION ALL SELECT *, true AS is_new FROM made"
    )


def register(
    conn: psycopg.Connection[Row], run: NewRun, source: str, *, by_source: bool, started: Sequence[Event]
) -> tuple[RunRow, bool]:
    """The latest run of `run`'s document from `source`, or `run`, new (then True) with its `started` events.

    One round trip: the identity's lock, then one statement that looks and, finding nothing, inserts.
    """
    document = run.document
    events = event_columns([(run.run_id, started)])
    looked = (document.document_id, by_source, source)
    with one_round_trip(conn):
        conn.execute(LOCK_IDENTITY, (identity(document, source, by_source=by_source),))
        found = conn.execute(_find_or_insert(with_events=bool(events)), (*looked, *parameters(run), *events))
    row = found.fetchone()
    assert row is not None  # a run is found, or inserted
    new = bool(row.pop("is_new"))
    return RunRow(**row), new
