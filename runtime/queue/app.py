"""The procrastinate app: the start and resume jobs, the stalled-job reaper, the removal of old jobs and runs.

Jobs live in procrastinate's tables in claimflow's own database, so a run and its job are written in one
transaction (see `submit`). Every run job carries `lock=<run id>`: procrastinate never runs two jobs of one
run at once, and the run's advisory lock (see `lock`) covers the case it cannot see, a worker that froze
while its job was handed to another.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from procrastinate import App, JobContext, PsycopgConnector
from procrastinate.job_context import AbortReason

from claimflow.runtime.queue.logs import RunJob, WorkerLog, failing_rule, log_prune_skipped, log_pruned
from claimflow.runtime.queue.names import (
    CLEAN_TASK,
    MAINTENANCE_PRIORITY,
    MAINTENANCE_QUEUE,
    PRUNE_TASK,
    REAP_TASK,
    RESUME_TASK,
    START_TASK,
)
from claimflow.runtime.queue.reaper import requeue_stalled
from claimflow.runtime.queue.retry import RETRY, RetryLater, is_transient
from claimflow.runtime.queue.roster import RecordedWorkers
from claimflow.runtime.queue.stop import JobsInHand
from claimflow.runtime.reconnect import ReconnectingAsyncPool
from claimflow.runtime.registry._pg_schema import conninfo
from claimflow.runtime.settings import Settings, WorkerTiming

if TYPE_CHECKING:
    from procrastinate.jobs import Job

    from claimflow.runtime.engine import Engine
    from claimflow.runtime.queue.lock import RunLocks
    from claimflow.runtime.registry import RunRow

FINISHED_JOBS_KEPT_HOURS = 72
"""Succeeded jobs are removed this long after they finished (daily); failed ones stay for a look."""


def _engine(context: JobContext) -> Engine:
    engine: Engine = context.additional_context["engine"]
    return engine


def _locks(context: JobContext) -> RunLocks | None:
    locks: RunLocks | None = context.additional_context.get("locks")
    return locks


def _in_hand(context: JobContext) -> JobsInHand:
    in_hand: JobsInHand | None = context.additional_context.get("in_hand")
    return in_hand if in_hand is not None else JobsInHand()


def _log(context: JobContext) -> WorkerLog:
    log: WorkerLog | None = context.additional_context.get("log")
    return log if log is not None else WorkerLog(context.worker_name or "worker")


def _retry_in(job: Job) -> float | None:
    """Seconds until a job given back now (RetryLater) is tried again; None when its tries are spent."""
    decision = RETRY.get_retry_decision(exception=RetryLater(), job=job)
    if decision is None:
        return None
    return 0.0 if decision.retry_at is None else max(0.0, (decision.retry_at - datetime.now(UTC)).total_seconds())


async def _advance(context: JobContext, kind: RunJob, run_id: str, advancing: Awaitable[RunRow]) -> str:
    """Await a run job, logged; a transient error becomes a retry. Returns the run's status after it."""
    log, job, in_hand = _log(context), context.job, _in_hand(context)
    started = time.monotonic()
    log.taken(job, kind, run_id)
    try:
        with in_hand.holding():
            row = await advancing
    except asyncio.CancelledError:
        if context.abort_reason() is AbortReason.SHUTDOWN or in_hand.handing_back:
            # The worker stopped and its graceful timeout ran out, or it was told twice to stop. Cancelled,
            # procrastinate would mark the job aborted for good and leave its run `running` with no job to
            # continue it (the reaper only puts back jobs still `doing`): retried instead, another worker
            # continues the run from its checkpoint.
            log.handed_back(job, kind, run_id, now=in_hand.handing_back)
            await _release_handed_back(context, run_id)
            raise RetryLater("the worker stopped before the job finished") from None
        raise
    except Exception as error:
        if is_transient(error):
            retry_in = _retry_in(job)
            log.retrying(job, kind, run_id, error, retry_in)
            if retry_in is None:
                await _give_up(context, run_id, error)
            raise RetryLater(str(error)) from error
        log.broke(job, kind, run_id, error)
        raise
    finally:
        log.in_hand -= 1
    seconds = time.monotonic() - started
    log.finished(job, kind, row, seconds, await _failing_rule(context, row))
    return row.status


_HAND_BACK_WRITE_S = 2.0
"""How long a job handed back waits to release its run: a stopping worker whose database is gone does not wait on it."""


async def _release_handed_back(context: JobContext, run_id: str) -> None:
    """Release the run of a job handed back (`hand_back_run`), before procrastinate writes the job's retry.

    procrastinate writes that retry itself, on its own session, once the job ends: the two cannot share a
    transaction. The run first: a worker gone between the two leaves the job `doing`, which the reaper puts back,
    and its run waiting for it. A release that fails (the database out of reach) leaves the run as it was: the
    next worker to hold its lock takes its lease over.
    """
    from claimflow.runtime.queue.jobs import hand_back_run

    try:
        await asyncio.wait_for(hand_back_run(_engine(context), run_id), _HAND_BACK_WRITE_S)
    except Exception as error:  # noqa: BLE001 - the job goes back either way; only its run's status is late
        _log(context).release_unwritten(context.job, run_id, error)


async def _unless_stalled(context: JobContext, run_id: str, advance: Callable[[], Awaitable[RunRow]]) -> RunRow:
    """`advance()`, unless the job stalled worker after worker: then its run, failed (`queue.stalls`)."""
    from claimflow.runtime.queue.stalls import failed_for_stalls

    failed = await failed_for_stalls(_engine(context), context.job, run_id, _locks(context))
    return failed if failed is not None else await advance()


async def _give_up(context: JobContext, run_id: str, error: BaseException) -> None:
    """The job's tries are spent: fail its run with the reason, so it does not look in progress for good.

    When even that cannot be written (the database still out of reach, the run's lock held elsewhere), the run
    is left as it is and the line says so: `claimflow rerun` still runs it again.
    """
    from claimflow.runtime.queue.jobs import give_up

    log = _log(context)
    try:
        row = await give_up(_engine(context), run_id, error, context.job.attempts + 1, _locks(context))
    except Exception as failure:  # noqa: BLE001 - the job is given up either way; the line says what became of it
        log.left_as_it_was(context.job, run_id, failure)
        return
    if row.status == "failed":
        log.run_failed(row)


async def _failing_rule(context: JobContext, row: RunRow) -> str | None:
    """For a failed run, the rule of the route that failed it (its log line names it); else, or unread, None."""
    if row.status != "failed":
        return None
    try:
        return failing_rule(await _engine(context).registry.events(row.run_id))
    except Exception:  # noqa: BLE001 - the job is done: a line with less in it is no reason to run it again
        return None


def build_app(settings: Settings) -> App:
    """The app for `settings.database_url`, with claimflow's tasks; not opened (see `App.open_async`)."""
    if not settings.database_url:
        raise ValueError("the queue needs a Postgres database (CLAIMFLOW_DATABASE_URL)")
    # Its pool tries a lost database again every few seconds (`reconnect`): with psycopg_pool's own doubling wait
    # the worker took no job for up to as long again as the outage lasted.
    connector = PsycopgConnector(
        conninfo=conninfo(settings.database_url),
        min_size=1,
        max_size=4,
        timeout=settings.postgres_wait_s,
        pool_factory=ReconnectingAsyncPool,
    )
    app = App(connector=connector)
    # Before any task is added: each task keeps the manager it was made with.
    app.job_manager = RecordedWorkers(connector=app.connector)
    _add_run_tasks(app)
    _add_maintenance(app, settings.worker)
    return app


def _add_run_tasks(app: App) -> None:
    @app.task(name=START_TASK, pass_context=True, retry=RETRY)
    async def start_run(context: JobContext, run_id: str) -> str:
        from claimflow.runtime.queue.jobs import start_job

        starting = _unless_stalled(context, run_id, lambda: start_job(_engine(context), run_id, _locks(context)))
        return await _advance(context, "start", run_id, starting)

    @app.task(name=RESUME_TASK, pass_context=True, retry=RETRY)
    async def resume_run(context: JobContext, run_id: str, interrupt_id: str, decision: dict[str, Any]) -> str:
        from claimflow.runtime.queue.jobs import resume_job

        resuming = _unless_stalled(
            context, run_id, lambda: resume_job(_engine(context), run_id, interrupt_id, decision, _locks(context))
        )
        return await _advance(context, "resume", run_id, resuming)


def _add_maintenance(app: App, timing: WorkerTiming) -> None:
    # Maintenance jobs carry MAINTENANCE_PRIORITY: a worker takes them before any run job waiting. The reaper's
    # queueing lock keeps one tick waiting at most: while one waits, the next ticks are not queued behind it.
    @app.periodic(cron=f"* * * * * */{timing.reaper_every_s}")  # the sixth column: seconds
    @app.task(
        name=REAP_TASK,
        queue=MAINTENANCE_QUEUE,
        priority=MAINTENANCE_PRIORITY,
        queueing_lock=REAP_TASK,
        pass_context=True,
    )
    async def reap_stalled(context: JobContext, timestamp: int) -> int:  # noqa: ARG001 - the tick, unused
        """Run again the jobs of workers that stopped heartbeating (killed, frozen, cut off)."""
        return await requeue_stalled(context.app, timing.stalled_s, _engine(context).registry)

    @app.periodic(cron="17 3 * * *")
    @app.task(name=CLEAN_TASK, queue=MAINTENANCE_QUEUE, priority=MAINTENANCE_PRIORITY, pass_context=True)
    async def remove_old_jobs(context: JobContext, timestamp: int) -> None:  # noqa: ARG001 - the tick
        """Remove succeeded jobs finished long ago: the runs themselves keep their own history."""
        await context.app.job_manager.delete_old_jobs(nb_hours=FINISHED_JOBS_KEPT_HOURS)

    @app.task(name=PRUNE_TASK, queue=MAINTENANCE_QUEUE, priority=MAINTENANCE_PRIORITY, pass_context=True)
    async def prune_finished(context: JobContext, timestamp: int, older_than_s: float | None = None) -> int:  # noqa: ARG001 - the tick
        """Prune the runs finished longer ago than the tick says, else than this worker's CLAIMFLOW_PRUNE_AFTER."""
        engine = _engine(context)
        # A tick carries the age of the worker whose setting scheduled it, so whichever worker takes it prunes:
        # one worker without the setting must not make pruning hit or miss. A tick with no age (deferred by an
        # older claimflow) falls back to this worker's own setting, and with none, prunes nothing.
        older_than = engine.settings.worker.prune_after if older_than_s is None else timedelta(seconds=older_than_s)
        if older_than is None:
            log_prune_skipped()
            return 0
        report = await engine.prune(older_than)
        log_pruned(report, older_than)
        return len(report.runs)

    if timing.prune_after is not None:
        # One job per tick whatever the number of workers: procrastinate defers each periodic tick once.
        older_than_s = timing.prune_after.total_seconds()
        app.periodic(cron=timing.prune_cron, task_kwargs={"older_than_s": older_than_s})(prune_finished)
