"""The review queue's bookkeeping on Postgres: the same `update_review` as SQLite's, under the run's row lock."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, LiteralString

from psycopg import sql
from psycopg.types.json import Jsonb

from claimflow.runtime.registry._pg_schema import PgDatabase
from claimflow.runtime.registry.reviews import Refusal, check_review_change
from claimflow.runtime.registry.runs import RunNotFoundError, RunRow
from claimflow.state.events import Event

INSERT_EVENT: LiteralString = (
    "INSERT INTO claimflow_events (event_id, run_id, type, step, at, data) VALUES (%s, %s, %s, %s, %s, %s)"
    " ON CONFLICT (event_id) DO NOTHING"
)
"""Appends one event; one already stored (same id) is skipped."""


def _dumps(data: Any) -> str:
    return json.dumps(data, default=str, sort_keys=True)


def event_rows(run_id: str, events: Iterable[Event]) -> list[tuple[Any, ...]]:
    """The events of a run as rows for `INSERT_EVENT`."""
    return [(e.event_id, run_id, e.type, e.step, e.at.isoformat(), Jsonb(e.data, dumps=_dumps)) for e in events]


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
            with conn.cursor() as cursor:
                cursor.executemany(INSERT_EVENT, event_rows(run_id, events))
        assert changed is not None  # the row is locked: it cannot have gone
        return RunRow(**changed)
