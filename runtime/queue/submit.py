"""Writing a run and its job, or a decision and its resume job, in one transaction on one session.

Either both are committed or neither: a failed transaction leaves no run without a job, and no job without
its run. These functions block (psycopg, synchronous): call them off the event loop.
"""

from __future__ import annotations

import time
from typing import Any

import psycopg
from procrastinate import App

from claimflow.runtime.queue.names import RESUME_TASK, START_TASK, queue_for
from claimflow.runtime.registry import NewRun, RunBusyError, RunRow
from claimflow.runtime.registry._pg_reviews import insert_events
from claimflow.runtime.registry._pg_schema import Row
from claimflow.runtime.registry.postgres import insert_run, latest_run_of
from claimflow.state.events import Event


def enqueue_run(
    conn: psycopg.Connection[Row],
    app: App,
    run: NewRun,
    started: Event,
    queue: str,
    *,
    by_source: bool = False,
    again: bool = False,
) -> tuple[RunRow, bool]:
    """Record the run, its `started` event and its start job, or find the run this document already has.

    A document already read from `run.source` (same bytes, same path) keeps its run. With `by_source`, the run
    found is the source's latest whatever its document (an idempotency key; the caller compares them). A run
    found gets no job. With `again` (a document run again, `rerun`) the run is recorded whatever its source has.
    """
    with conn.transaction():
        source = None if again else run.source
        found = None if source is None else latest_run_of(conn, run.document, source, by_source=by_source)
        if found is not None:
            return found, False
        row = insert_run(conn, run)
        insert_events(conn, [(run.run_id, [started])])
        app.tasks[START_TASK].configure(lock=run.run_id, queue=queue, connection=conn).defer(run_id=run.run_id)
    return row, True


def enqueue_decision(
    conn: psycopg.Connection[Row],
    app: App,
    run_id: str,
    *,
    interrupt_id: str | None,
    reviewer: str,
    decision: dict[str, Any],
    decision_json: str,
    owner: str,
    seen_at: float | None,
) -> RunRow:
    """Record a decision as pending and its resume job; refuse (RunBusyError) a stale or second one.

    The run's row lock orders concurrent deciders: the first moves the run to `resume_queued`, the second
    then finds it no longer waiting. Returns the run as this transaction left it, `resume_queued`: read again
    afterwards, it may already be a worker's (`resuming`, or further on), which says nothing of this decision.
    """
    with conn.transaction():
        row = conn.execute("SELECT * FROM claimflow_runs WHERE run_id = %s FOR UPDATE", (run_id,)).fetchone()
        if row is None:
            raise RunBusyError(f"no run {run_id!r}")
        answered = interrupt_id or row["interrupt_id"]
        if row["status"] != "needs_review" or row["interrupt_id"] is None:
            raise RunBusyError(f"run {run_id} is {row['status']}, not waiting for review")
        if answered != row["interrupt_id"]:
            raise RunBusyError(
                f"run {run_id} no longer waits on review {answered}, the one this decision answers; it waits on"
                f" {row['interrupt_id']} now: look at it again with `claimflow review show`"
            )
        opened = row.get("review_opened_at")
        if seen_at is not None and opened is not None and opened > seen_at:
            raise RunBusyError(
                f"run {run_id} waits on review {answered}, opened after this command started: look at it with"
                " `claimflow review show`"
            )
        now = time.time()
        conn.execute(
            "INSERT INTO claimflow_review_decisions (run_id, interrupt_id, reviewer, decision, outcome, message, at,"
            " decider) VALUES (%s, %s, %s, %s, 'pending', '', %s, %s)",
            (run_id, answered, reviewer, decision_json, now, owner),
        )
        queued = conn.execute(
            "UPDATE claimflow_runs SET status = 'resume_queued', updated_at = %s WHERE run_id = %s RETURNING *",
            (now, run_id),
        ).fetchone()
        assert queued is not None  # the row is locked above: it is there
        app.tasks[RESUME_TASK].configure(lock=run_id, queue=queue_for(str(row["model"])), connection=conn).defer(
            run_id=run_id, interrupt_id=answered, decision=decision
        )
    return RunRow(**queued)
