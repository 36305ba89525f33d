"""`claimflow status` and `/metrics`: what the queue and the runs look like now, read in one snapshot of the database.

A data directory without a database has no queue and no workers: its status is its runs and reviews alone.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import psycopg

from claimflow.runtime.registry._pg_schema import PgDatabase, Row
from claimflow.runtime.registry.runs import RunRow
from claimflow.runtime.views import runs_by_status


def oldest_review(run_id: str | None, since: float | None) -> dict[str, Any] | None:
    """The oldest open review as `status` shows it: its run, and how long it has waited, in seconds."""
    if run_id is None or since is None:
        return None
    return {"run_id": run_id, "waiting_s": round(time.time() - since, 1)}


def embedded_status(
    counts: dict[str, int], waiting: Iterable[RunRow], *, run_again: int = 0, left_behind: int = 0
) -> dict[str, Any]:
    """`status` of a data directory without a database: runs by status and the oldest open review; no queue.

    `waiting` are the runs waiting for review; a review's wait starts when it opened (older rows: their last
    change), as in production mode. `run_again`: the failed runs `rerun` ran again; `left_behind`: the runs in
    progress whose process is gone, which `recover` continues.
    """
    oldest = min(waiting, key=lambda row: (row.review_opened_at or row.updated_at, row.run_id), default=None)
    return {
        "mode": "embedded",
        **runs_by_status(counts),
        "run_again": run_again,
        "left_behind": left_behind,
        "oldest_review": None
        if oldest is None
        else oldest_review(oldest.run_id, oldest.review_opened_at or oldest.updated_at),
    }


@dataclass(frozen=True)
class QueueGauges:
    """The queue as `/metrics` shows it: jobs per queue waiting and running, jobs stalled, workers alive."""

    queues: dict[str, dict[str, int]]
    """Per queue with jobs, `{"waiting": n, "running": n}`."""
    stalled: int
    workers_alive: int


def _read_gauges(conn: psycopg.Connection[Row], stalled_s: float) -> QueueGauges:
    from claimflow.runtime.queue.roster import STALLED, gone_workers, workers_judged  # procrastinate: production only

    queues: dict[str, dict[str, int]] = {}
    for row in conn.execute(
        "SELECT queue_name, status, count(*) AS n FROM procrastinate_jobs WHERE status IN ('todo', 'doing')"
        " GROUP BY queue_name, status ORDER BY queue_name"
    ):
        queues.setdefault(row["queue_name"], {"waiting": 0, "running": 0})[
            "waiting" if row["status"] == "todo" else "running"
        ] = int(row["n"])
    workers = workers_judged(conn)
    judged = {"stalled_s": stalled_s, "gone": [worker["id"] for worker in gone_workers(conn)]}
    stalled = conn.execute(
        f"SELECT count(*) AS n FROM procrastinate_jobs job LEFT JOIN ({workers}) ON listed.id = job.worker_id"
        f" WHERE job.status = 'doing' AND (job.worker_id IS NULL OR listed.id IS NULL OR {STALLED})",
        judged,
    ).fetchone()
    alive = conn.execute(f"SELECT count(*) AS n FROM {workers} WHERE NOT ({STALLED})", judged).fetchone()
    return QueueGauges(
        queues=queues, stalled=int(stalled["n"]) if stalled else 0, workers_alive=int(alive["n"]) if alive else 0
    )


def queue_gauges(conn: psycopg.Connection[Row], *, stalled_s: float) -> QueueGauges:
    """What `status` says of the queue and its workers, read in one snapshot: jobs, stalled jobs, workers alive.

    A worker is stalled when silent past the larger of `stalled_s` and the threshold it recorded (`roster`), as
    the reaper judges it, and alive until then. A job is stalled when it is `doing` for a stalled worker (or for
    none): the reaper will run it again.
    """
    with conn.transaction():
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        return _read_gauges(conn, stalled_s)


async def read_queue_gauges(database: object, *, stalled_s: float) -> QueueGauges | None:
    """`queue_gauges` on a session of the registry's pool, off the event loop; None for a registry not on Postgres."""
    if not isinstance(database, PgDatabase):
        return None

    def read() -> QueueGauges:
        with database.session() as conn:
            return queue_gauges(conn, stalled_s=stalled_s)

    return await asyncio.to_thread(read)


def queue_status(conn: psycopg.Connection[Row], *, stalled_s: float) -> dict[str, Any]:
    """Queue depth per queue, jobs running and stalled, workers alive, runs by status, the oldest open review.

    The queue's figures are `queue_gauges`', read in the same snapshot as the runs and the live workers' records
    (`workers`: each one's queues and workflow version, `roster`).
    """
    from claimflow.runtime.queue.roster import gone_workers, live_workers  # procrastinate: not for a data directory

    with conn.transaction():
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        gauges = _read_gauges(conn, stalled_s)
        workers = live_workers(conn, stalled_s=stalled_s)
        gone = gone_workers(conn)
        runs = {
            row["status"]: int(row["n"])
            for row in conn.execute("SELECT status, count(*) AS n FROM claimflow_runs GROUP BY status ORDER BY status")
        }
        run_again = conn.execute("SELECT count(*) AS n FROM claimflow_runs WHERE superseded_by IS NOT NULL").fetchone()
        oldest = conn.execute(
            "SELECT run_id, COALESCE(review_opened_at, updated_at) AS since FROM claimflow_runs"
            " WHERE status = 'needs_review' ORDER BY since, run_id LIMIT 1"
        ).fetchone()
    return {
        "mode": "production",
        "queues": gauges.queues,
        "jobs_running": sum(counts["running"] for counts in gauges.queues.values()),
        "jobs_stalled": gauges.stalled,
        "workers_alive": gauges.workers_alive,
        "workers": workers,
        "workers_gone": gone,
        **runs_by_status(runs),
        "run_again": int(run_again["n"]) if run_again is not None else 0,
        "oldest_review": None if oldest is None else oldest_review(oldest["run_id"], float(oldest["since"])),
    }
