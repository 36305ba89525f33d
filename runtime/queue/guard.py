"""Whether workers are in charge of a database's runs, so no other process may advance them (`recover`, `run`, `serve`).

A worker advances a run under its advisory lock and takes over the lease of any other process: it cannot tell a
frozen worker from a live `recover` or `run`. So a process that would continue runs itself, beside the workers,
runs them twice (two model calls per step, two reviews opened). This module says when that is so.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from claimflow.runtime.queue.errors import (
    MIGRATE_HINT,
    NO_DATABASE,
    QueueSetupError,
    WorkersInChargeError,
    not_migrated,
)
from claimflow.runtime.queue.names import MAINTENANCE_QUEUE
from claimflow.runtime.settings import Settings

if TYPE_CHECKING:  # the gauges' module loads psycopg: imported where the database is read
    from claimflow.runtime.queue.status import QueueGauges

RECOVER_INSTEAD = (
    "The reaper gives the jobs of a worker that stopped to the others; start `claimflow worker` if none runs"
    " (`claimflow status` shows jobs stalled and workers alive), or `claimflow rerun RUN` to run a document again"
)
"""What to do rather than `recover` beside the workers."""

RUN_INSTEAD = "Record the documents for the workers with `claimflow run --queue` (or CLAIMFLOW_EXECUTION=queue)"
"""What to do rather than `run` (advancing in its own process) beside the workers."""

SERVE_INSTEAD = (
    "Set CLAIMFLOW_EXECUTION=queue where `claimflow serve` runs too: it then records uploads and decisions for the"
    " workers and advances nothing itself"
)
"""What to do rather than `serve` in local mode (advancing uploads and unfinished runs itself) beside the workers."""


def require_queue_database(settings: Settings, *, queue: bool) -> None:
    """Raise `QueueSetupError` when runs are to be queued (`queue`, or production mode) and no database is set.

    Said before the engine opens, so a batch that cannot be queued makes no data directory and pins no prompt.
    """
    if (queue or settings.execution == "queue") and not settings.database_url:
        raise QueueSetupError(NO_DATABASE)


def require_queue_tables(settings: Settings) -> None:
    """Raise `QueueSetupError` when the database of `settings` has no queue tables (`claimflow db migrate`).

    Asked before the engine opens for runs to be queued: opening it makes the registry's tables, pins each prompt
    version and stores the document, which a queue refused afterwards would leave behind (`claimflow check` then
    counted the prompt versions as used by earlier runs). A database out of reach raises as connecting does.
    """
    if settings.database_url is None:
        return
    from claimflow.runtime.registry._pg_schema import connect

    with connect(settings.database_url) as conn:
        found = conn.execute("SELECT to_regclass('procrastinate_jobs') IS NOT NULL AS queue").fetchone()
    if found is None or not found["queue"]:
        raise QueueSetupError(MIGRATE_HINT)


def refuse_beside_workers(settings: Settings, command: str, instead: str = RECOVER_INSTEAD) -> None:
    """Raise `WorkersInChargeError` when the runs of `settings`' database belong to workers; else return.

    They do in production mode (`CLAIMFLOW_EXECUTION=queue`), and on a database where a worker is alive or a run
    job waits or runs (production mode used with `run --queue` alone). A worker is alive as the reaper judges it
    (`roster.STALLED`): one that recorded a longer threshold than this process's is given that long. A database
    without the queue's tables has no workers. Reaching the database may fail as any command's does (exit code 3).
    `instead` is what to do rather than `command`, said after why.
    """
    if settings.database_url is None:
        return
    why = "this is production mode (CLAIMFLOW_EXECUTION=queue)" if settings.execution == "queue" else None
    if why is None:
        why = _workers_found(settings.database_url, settings.worker.stalled_s)
    if why is not None:
        raise WorkersInChargeError(
            f"`{command}` advances runs in this process, and workers advance this database's runs: {why}; beside"
            f" them a run would be advanced twice. {instead}"
        )


def workers_alive(settings: Settings) -> int:
    """How many workers are alive on the settings' database, as the reaper judges them; 0 without a queue."""
    if settings.database_url is None:
        return 0
    gauges = _gauges(settings.database_url, settings.worker.stalled_s)
    return 0 if gauges is None else gauges.workers_alive


def _gauges(database_url: str, stalled_s: float) -> QueueGauges | None:
    """The queue's gauges on the database; None when it has no queue tables (no worker ever ran there)."""
    from claimflow.runtime.queue.status import queue_gauges
    from claimflow.runtime.registry._pg_schema import connect

    with connect(database_url) as conn:
        try:
            return queue_gauges(conn, stalled_s=stalled_s)
        except Exception as error:
            if not_migrated(error):
                return None
            raise


def _workers_found(database_url: str, stalled_s: float) -> str | None:
    """The workers alive and the run jobs waiting or running on the database, in words; None when there are none."""
    gauges = _gauges(database_url, stalled_s)
    if gauges is None:
        return None  # no queue tables: no worker ever ran here
    jobs = sum(sum(counts.values()) for queue, counts in gauges.queues.items() if queue != MAINTENANCE_QUEUE)
    found = [f"{gauges.workers_alive} worker(s) alive"] if gauges.workers_alive else []
    found += [f"{jobs} run job(s) waiting or running"] if jobs else []
    return " and ".join(found) or None
