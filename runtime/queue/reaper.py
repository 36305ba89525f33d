"""The reaper: the jobs of workers silent past the stall threshold go back to the queue, each worker named.

procrastinate finds the jobs (`doing` for a worker whose last heartbeat is older than the threshold, or for no
worker); its table of workers says which worker each was and when it last beat, read before the jobs go back, so
the `jobs.requeued` line says whose jobs they were and how long that worker had been silent.

A worker starting removes the records of the workers silent past the threshold (procrastinate prunes them), and
their jobs are left with no worker: nothing on record says then whose they were. So a starting worker first puts
those jobs back itself (`start_worker`), while the records still say. A job found with no worker all the same
(its worker's record removed by a worker of another program on the queue, or between the reads) is said to be so.

The threshold is the larger of the judge's and the one the silent worker recorded at start (`roster`): a worker
started with a shorter `CLAIMFLOW_WORKER_STALLED_S` neither puts back nor removes one that beats less often.

Each run whose job goes back gets a `run.requeued` event (the job, its worker, how long it had been silent): its
trace says why it ran again, and a job put back too often fails its run rather than go to yet another worker
(`claimflow.runtime.queue.stalls`).

A worker is silent for another reason too: its database was out of reach, and it could write neither its jobs'
hand-back nor its stop. It lives, and registers anew once the database is back: it then hands back the jobs left
`doing` under its earlier ids itself (`hand_back_own`), which counts as no stall, before any are judged stalled.
A process that lost its database judges no other worker stalled until it has seen the database for the stall
threshold again (`RecordedWorkers.judging`): a worker cut off by the same outage has that long to come back.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from procrastinate.exceptions import ConnectorException
from procrastinate.jobs import Job

from claimflow.runtime.queue.logs import log_handed_back, log_requeued
from claimflow.runtime.queue.roster import STALLED, WORKERS, RecordedWorkers
from claimflow.runtime.queue.stalls import record_requeued

if TYPE_CHECKING:
    from procrastinate import App

    from claimflow.runtime.registry import AsyncRegistry

_SILENCES = (
    "SELECT listed.id, extract(epoch FROM now() - listed.last_heartbeat)::float8 AS silent_s,"
    f" {STALLED} AS stalled FROM {WORKERS} WHERE listed.id = ANY(%(ids)s)"
)
"""How long each of these workers has been silent, in seconds, from its last heartbeat, and whether it is stalled."""

_GONE_DOING = (
    "SELECT id, status, task_name, priority, lock, queueing_lock, args, scheduled_at, queue_name, attempts, worker_id"
    " FROM procrastinate_jobs WHERE status = 'doing' AND worker_id = ANY(%(ids)s) ORDER BY id"
)
"""The jobs `doing` for these workers, as procrastinate's query of stalled jobs reads them (`Job.from_row`)."""

_OWN_DOING = (
    "SELECT id, worker_id, args ->> 'run_id' AS run_id FROM procrastinate_jobs"
    " WHERE status = 'doing' AND worker_id = ANY(%(ids)s) ORDER BY id"
)
"""The jobs still `doing` under ids this process registered before: left so when its worker lost its database."""

_NOT_DOING = "P0001"
"""The SQLSTATE of procrastinate's refusal to put back a job that is no longer `doing` (`RAISE` in its function)."""


async def requeue_stalled(app: App, stalled_s: float, registry: AsyncRegistry | None = None) -> int:
    """Put back the jobs of workers silent longer than `stalled_s` and log whose they were; returns how many.

    A worker that recorded a larger threshold of its own (`roster`) is given that long. A job another reaper put
    back first, or that its worker finished after all, is left as it is. With `registry`, each run whose job went
    back gets its `run.requeued` event (`record_requeued`).
    """
    manager = app.job_manager
    if isinstance(manager, RecordedWorkers) and not manager.judging(stalled_s):
        return 0  # back from an outage: a worker silent through it may be alive, coming back too
    gone = await manager.gone() if isinstance(manager, RecordedWorkers) else []
    stalled = list(await manager.get_stalled_jobs(seconds_since_heartbeat=stalled_s))
    if gone:  # their last beat may be recent: procrastinate's query, which reads beats only, does not find them
        rows = await app.connector.execute_query_all_async(_GONE_DOING, ids=gone)
        held = {job.id for job in stalled}
        stalled += [job for job in (Job.from_row(row) for row in rows) if job.id not in held]
    if not stalled:
        return 0
    ids = sorted({job.worker_id for job in stalled if job.worker_id is not None})
    found = (
        await app.connector.execute_query_all_async(_SILENCES, ids=ids, stalled_s=stalled_s, gone=gone) if ids else []
    )
    silences = {int(row["id"]): float(row["silent_s"]) for row in found}
    waited = {int(row["id"]) for row in found if not row["stalled"]}
    requeued: list[Job] = []
    for job in stalled:
        if job.worker_id in waited:
            continue  # silent past `stalled_s`, not yet past its own threshold
        try:
            await manager.retry_job(job)
        except ConnectorException as error:
            if _sqlstate(error) != _NOT_DOING:
                raise
            continue
        requeued.append(job)
    if registry is not None and requeued:
        await record_requeued(registry, requeued, silences, gone)
    return log_requeued(requeued, silences)


def _sqlstate(error: BaseException) -> str | None:
    cause: Any = error.__cause__
    return getattr(cause, "sqlstate", None)


async def hand_back_own(app: App) -> int:
    """Hand back the jobs left `doing` under the ids this process registered before; returns how many.

    Called before procrastinate's worker starts again (`start_worker`), when this process holds no job: a job
    still `doing` under one of its earlier ids is one its worker, cut off from its database, could not hand back.
    Such a job goes back as a hand-back, not as a stalled worker's: no `run.requeued` event, no stall counted.
    """
    manager = app.job_manager
    if not isinstance(manager, RecordedWorkers) or not manager.registered:
        return 0
    found = await app.connector.execute_query_all_async(_OWN_DOING, ids=list(manager.registered))
    handed: list[dict[str, Any]] = []
    for row in found:
        try:
            await manager.retry_job_by_id_async(int(row["id"]), retry_at=datetime.now(UTC))
        except ConnectorException as error:
            if _sqlstate(error) != _NOT_DOING:
                raise
            continue
        handed.append(row)
    # Every job of those ids is back (or was no longer theirs): none can be left under them again, as procrastinate's
    # worker takes jobs only under the id it starts with next. Forgetting them keeps the list to one outage's ids
    # however many outages a long-lived worker sees.
    manager.registered.clear()
    return log_handed_back(handed)


async def start_worker(
    app: App, stalled_s: float, options: dict[str, Any], registry: AsyncRegistry | None = None
) -> None:
    """Run procrastinate's worker with `options` once its own jobs left `doing`, then the silent workers', are back."""
    await hand_back_own(app)
    await requeue_stalled(app, stalled_s, registry)
    await app.run_worker_async(**options)
