"""The run registry on Postgres, in the database that holds LangGraph's checkpoints.

Same contract and semantics as the SQLite `Registry` (see `RunRegistry`): one connection in autocommit mode,
explicit transactions where several statements must hold together, and `SELECT ... FOR UPDATE` to make claiming a
run a compare-and-set across processes and hosts. What every run writes, its registration and where it ended, goes
as one transaction in one round trip each (`_pg_register`, `_pg_settle`).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import LiteralString

import psycopg

from claimflow.runtime.registry._pg_created import HORIZON, INSERT_RUN, parameters
from claimflow.runtime.registry._pg_erasure import PgRunErasure
from claimflow.runtime.registry._pg_finals import PgFinalStates
from claimflow.runtime.registry._pg_keys import PgKeyClaims
from claimflow.runtime.registry._pg_register import FIND_LATEST, LOCK_IDENTITY, identity, register
from claimflow.runtime.registry._pg_reviews import PgReviewTable, insert_events
from claimflow.runtime.registry._pg_schema import Row
from claimflow.runtime.registry._pg_settle import SAVE_RECORD_KEY, PgSettlement
from claimflow.runtime.registry.decisions import abandoned_message
from claimflow.runtime.registry.pages import RunPage, page_sql
from claimflow.runtime.registry.pg_tokens import PgTokenTable
from claimflow.runtime.registry.runs import (
    LEASE_SECONDS,
    SHORTEST_PREFIX,
    NewRun,
    RunNotFoundError,
    RunRow,
    check_claim,
    kept_message,
    left_behind,
    like_prefix,
    required_source,
)
from claimflow.state.documents import DocumentRef
from claimflow.state.events import Event, EventType

_INSERT_RUN: LiteralString = INSERT_RUN + " RETURNING *"

USAGE_TOTALS: LiteralString = (
    "SELECT COALESCE(sum(calls), 0) AS calls, COALESCE(sum(cost), 0) AS cost FROM claimflow_usage_totals"
)
"""Model calls and their cost, from the rows a trigger keeps as events are stored (not from the events)."""

LATEST_FROM_SOURCE: LiteralString = (
    "SELECT * FROM claimflow_runs WHERE source = %s ORDER BY created_at DESC, run_id DESC LIMIT 1"
)
"""The latest run registered from a source (read off the index `claimflow_runs_source`, not a scan of every run)."""


def insert_run(conn: psycopg.Connection[Row], run: NewRun) -> RunRow:
    """Insert a new run (queued, or running) with its model's endpoint; with an owner, leased to it."""
    row = conn.execute(_INSERT_RUN, parameters(run)).fetchone()
    assert row is not None  # INSERT ... RETURNING returns the row it inserted
    return RunRow(**row)


def latest_run_of(
    conn: psycopg.Connection[Row], document: DocumentRef, source: str, *, by_source: bool = False
) -> RunRow | None:
    """The latest run of this document from this source, under a lock on the pair until the transaction ends.

    With `by_source`, the latest run from this source whatever its document (the caller compares them). The
    transaction-level advisory lock on the identity makes two processes registering the same file at once make
    one run: the second waits, then finds the first one's.
    """
    conn.execute(LOCK_IDENTITY, (identity(document, source, by_source=by_source),))
    found = conn.execute(FIND_LATEST, (document.document_id, by_source, source)).fetchone()
    return None if found is None else RunRow(**found)


class PostgresRegistry(PgReviewTable, PgTokenTable, PgFinalStates, PgSettlement, PgKeyClaims, PgRunErasure):
    """Runs with their leases, events, review decisions, record keys and prompt pins, in `claimflow_` tables.

    Args:
        url: A libpq connection URL or key=value string; a direct session, not a transaction-mode pooler.
    """

    def create_run(self, run: NewRun) -> RunRow:
        """Register a new run, queued unless `run.status` says running; with an owner, leased to it from the start."""
        with self._write() as conn:
            return insert_run(conn, run)

    def register_run(
        self, run: NewRun, *, by_source: bool = False, started: Sequence[Event] = ()
    ) -> tuple[RunRow, bool]:
        """The latest run of this document from `run.source`, or `run`, new (then True) with its `started` events.

        With `by_source`, the latest run from this source whatever its document (the caller compares them).
        A transaction-level advisory lock on the identity makes two processes registering the same file at
        once make one run. One round trip (`_pg_register`).
        """
        source = required_source(run)
        with self.session() as conn:
            return register(conn, run, source, by_source=by_source, started=started)

    def renew_leases(self, owner: str) -> int:
        """Extend every lease `owner` holds by `LEASE_SECONDS` from now (its heartbeat); returns how many."""
        with self.session() as conn:
            cursor = conn.execute(
                "UPDATE claimflow_runs SET lease_until = %s WHERE lease_owner = %s",
                (time.time() + LEASE_SECONDS, owner),
            )
            return cursor.rowcount

    def get_run(self, run_id: str) -> RunRow:
        """The run with this id (a unique prefix of at least 6 characters works too, case-insensitively)."""
        rows = self._all("SELECT * FROM claimflow_runs WHERE run_id = %s", (run_id,))
        if not rows and len(run_id) >= SHORTEST_PREFIX:
            rows = self._all(
                "SELECT * FROM claimflow_runs WHERE run_id ILIKE %s ESCAPE '\\' LIMIT 2", (like_prefix(run_id),)
            )
        if len(rows) != 1:
            raise RunNotFoundError(f"no run {run_id!r}; `claimflow runs` lists them", run_id=run_id)
        return RunRow(**rows[0])

    def document_of(self, row: RunRow) -> DocumentRef:
        """The document reference a run was registered with."""
        return DocumentRef(document_id=row.document_id, filename=row.filename, media_type=row.media_type, size=row.size)

    def list_runs(self, status: str | None = None) -> list[RunRow]:
        """Runs, oldest first, optionally of one status."""
        where: LiteralString = " WHERE status = %s" if status else ""
        rows = self._all(
            "SELECT * FROM claimflow_runs" + where + " ORDER BY created_at, run_id", (status,) if status else ()
        )
        return [RunRow(**row) for row in rows]

    def count_runs(self) -> dict[str, int]:
        """How many runs there are of each status (statuses without runs left out)."""
        rows = self._all("SELECT status, count(*) AS runs FROM claimflow_runs GROUP BY status")
        return {row["status"]: int(row["runs"]) for row in rows}

    def count_superseded(self) -> int:
        """How many runs were run again (`superseded_by` names the new run): failed runs nothing is left to do for."""
        rows = self._all("SELECT count(*) AS runs FROM claimflow_runs WHERE superseded_by IS NOT NULL")
        return int(rows[0]["runs"])

    def run_from_source(self, source: str) -> RunRow | None:
        """The latest run registered from this source, if any."""
        rows = self._all(LATEST_FROM_SOURCE, (source,))
        return RunRow(**rows[0]) if rows else None

    def page_runs(self, page: RunPage) -> list[RunRow]:
        """Up to `page.limit` runs in creation order after `page.after`, with the page's filters.

        Only runs created before the horizon (`_pg_created`): a run still being created sorts after them all.
        """
        with self.session() as conn:
            found = conn.execute(HORIZON).fetchone()
            assert found is not None  # an aggregate without GROUP BY returns one row
            tail, args = page_sql(replace(page, created_before=float(found["horizon"])), "%s")
            rows = conn.execute("SELECT * FROM claimflow_runs" + tail, tuple(args)).fetchall()
        return [RunRow(**row) for row in rows]

    def stale_runs(self) -> list[RunRow]:
        """Runs left queued, running or resuming by a process that is gone."""
        rows = self._all(
            "SELECT * FROM claimflow_runs WHERE status IN ('queued', 'running', 'resuming') ORDER BY created_at, run_id"
        )
        return left_behind((RunRow(**row) for row in rows), time.time())

    def claim(
        self,
        run_id: str,
        *,
        owner: str,
        allowed: Iterable[str],
        status: str,
        interrupt_id: str | None = None,
        workflow_version: str | None = None,
    ) -> RunRow:
        """Atomically take the run's lease and move it to `status`, or raise RunBusyError saying why.

        `allowed` are the statuses the run may be in; `interrupt_id`, when given, must be the pending one. The row
        lock makes a second claimer wait for the first one's commit, then see its lease. `workflow_version`, when
        given, becomes the run's.
        """
        allowed = tuple(allowed)
        with self._write() as conn:
            row = conn.execute("SELECT * FROM claimflow_runs WHERE run_id = %s FOR UPDATE", (run_id,)).fetchone()
            if row is None:
                raise RunNotFoundError(f"no run {run_id!r}")
            now = time.time()  # read after any wait for the row lock
            check_claim(row, owner=owner, allowed=allowed, interrupt_id=interrupt_id, now=now)
            claimed = conn.execute(
                "UPDATE claimflow_runs SET status = %s, lease_owner = %s, lease_until = %s, updated_at = %s,"
                " workflow_version = COALESCE(%s, workflow_version) WHERE run_id = %s RETURNING *",
                (status, owner, now + LEASE_SECONDS, now, workflow_version, run_id),
            ).fetchone()
        assert claimed is not None  # the row is locked: it cannot have gone
        return RunRow(**claimed)

    def append_events(self, run_id: str, events: Iterable[Event]) -> int:
        """Append events; an event already stored (same id) is skipped. Returns how many were new."""
        return self.append_many([(run_id, list(events))])

    def append_many(self, batches: Sequence[tuple[str, Sequence[Event]]]) -> int:
        """Append several runs' events in one transaction; events already stored are skipped."""
        if not any(events for _, events in batches):
            return 0
        with self._write() as conn:
            return insert_events(conn, batches)

    def usage_totals(self) -> tuple[int, float]:
        """Model calls recorded in every run's events, and their cost.

        Read off `claimflow_usage_totals`, which a trigger on the events table keeps (see `_pg_schema`), not
        summed over the events: every `/metrics` scrape asks, and the events of every run are many.
        """
        rows = self._all(USAGE_TOTALS)
        return int(rows[0]["calls"]), float(rows[0]["cost"])

    def event_ids(self, run_id: str) -> set[str]:
        """The ids of the run's stored events."""
        return {
            row["event_id"] for row in self._all("SELECT event_id FROM claimflow_events WHERE run_id = %s", (run_id,))
        }

    def events(self, run_id: str, after: int = 0) -> list[Row]:
        """The run's events in the order they were stored (after seq `after`): seq, event_id, type, step, at, data."""
        return self._all(
            "SELECT seq, event_id, type, step, at, data FROM claimflow_events WHERE run_id = %s AND seq > %s"
            " ORDER BY seq",
            (run_id, after),
        )

    def count_events(self, run_id: str, kind: EventType, *, job_id: int | None = None) -> int:
        """How many of the run's events are of type `kind` (with `job_id`: only those whose data names that job)."""
        if job_id is None:
            rows = self._all(
                "SELECT count(*) AS events FROM claimflow_events WHERE run_id = %s AND type = %s", (run_id, kind)
            )
        else:
            rows = self._all(
                "SELECT count(*) AS events FROM claimflow_events"
                " WHERE run_id = %s AND type = %s AND data -> 'job_id' = to_jsonb(%s::bigint)",
                (run_id, kind, job_id),
            )
        return int(rows[0]["events"])

    def record_decision(
        self, run_id: str, interrupt_id: str | None, reviewer: str, decision: str, outcome: str, message: str = ""
    ) -> None:
        """Keep a decision that did not claim the run (refused before it could)."""
        self._execute(
            "INSERT INTO claimflow_review_decisions (run_id, interrupt_id, reviewer, decision, outcome, message, at)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s)",
            (run_id, interrupt_id, reviewer, decision, outcome, kept_message(message), time.time()),
        )

    def claim_review(self, run_id: str, *, owner: str, interrupt_id: str, reviewer: str, decision: str) -> int:
        """Atomically take the run's lease for answering review `interrupt_id` and keep the decision as pending.

        The row lock makes a second decider wait for the first one's commit, then see its lease or its new
        review. A pending decision of a process whose lease is gone becomes abandoned in the same transaction.
        """
        with self._write() as conn:
            row = conn.execute("SELECT * FROM claimflow_runs WHERE run_id = %s FOR UPDATE", (run_id,)).fetchone()
            if row is None:
                raise RunNotFoundError(f"no run {run_id!r}")
            now = time.time()  # read after any wait for the row lock
            check_claim(row, owner=owner, allowed=("needs_review", "resuming"), interrupt_id=interrupt_id, now=now)
            conn.execute(
                "UPDATE claimflow_review_decisions SET outcome = 'abandoned', message = %s"
                " WHERE run_id = %s AND outcome = 'pending'",
                (abandoned_message(row["lease_owner"]), run_id),
            )
            conn.execute(
                "UPDATE claimflow_runs SET status = 'resuming', lease_owner = %s, lease_until = %s, updated_at = %s"
                " WHERE run_id = %s",
                (owner, now + LEASE_SECONDS, now, run_id),
            )
            inserted = conn.execute(
                "INSERT INTO claimflow_review_decisions"
                " (run_id, interrupt_id, reviewer, decision, outcome, message, at, decider)"
                " VALUES (%s, %s, %s, %s, 'pending', '', %s, %s) RETURNING seq",
                (run_id, interrupt_id, reviewer, decision, now, owner),
            ).fetchone()
        assert inserted is not None  # INSERT ... RETURNING always returns the row
        return int(inserted["seq"])

    def decisions(self, run_id: str) -> list[Row]:
        """Every decision submitted for a run, in the order it came."""
        return self._all(
            "SELECT seq, run_id, interrupt_id, reviewer, decision, outcome, message, at, decider"
            " FROM claimflow_review_decisions WHERE run_id = %s ORDER BY seq",
            (run_id,),
        )

    def set_model(self, run_id: str, model: str, base_url: str | None) -> None:
        """Record another model (and its endpoint, never a key) for the run to continue on (an override).

        A new run gets its model with its row (`create_run`, `register_run`); this changes it later.
        """
        self._execute(
            "UPDATE claimflow_runs SET model = %s, model_base_url = %s WHERE run_id = %s", (model, base_url, run_id)
        )

    def register_record(self, run_id: str, doc_type: str, key: str) -> None:
        """Remember a completed record's duplicate key (a run registered again replaces its key)."""
        self._execute(SAVE_RECORD_KEY, (run_id, doc_type, key))

    def runs_with_key(self, doc_type: str, key: str, *, exclude_run: str) -> list[str]:
        """Other completed runs of `doc_type` with the same duplicate key."""
        rows = self._all(
            "SELECT run_id FROM claimflow_record_keys WHERE doc_type = %s AND key = %s AND run_id <> %s"
            " ORDER BY run_id",
            (doc_type, key, exclude_run),
        )
        return [row["run_id"] for row in rows]

    def pin_prompts(self, hashes: Mapping[str, str]) -> dict[str, str]:
        """Pin every unseen `ref -> hash`; return the refs already pinned to another hash (with that hash)."""
        now = time.time()
        for ref, digest in hashes.items():
            self._execute(
                "INSERT INTO claimflow_prompt_pins (ref, hash, first_seen) VALUES (%s, %s, %s) ON CONFLICT DO NOTHING",
                (ref, digest, now),
            )
        rows = self._all("SELECT ref, hash FROM claimflow_prompt_pins WHERE ref = ANY(%s)", (list(hashes),))
        return {row["ref"]: row["hash"] for row in rows if row["hash"] != hashes[row["ref"]]}

    def pinned_prompts(self) -> dict[str, str]:
        """Every prompt version pinned here, with its hash (read only: `claimflow check`)."""
        return {row["ref"]: row["hash"] for row in self._all("SELECT ref, hash FROM claimflow_prompt_pins", ())}
