"""`claimflow worker`: one process that takes run jobs from the queue and advances them with its engine.

Any number of workers on any number of machines share one database. Each writes a heartbeat every
`CLAIMFLOW_WORKER_HEARTBEAT_S`; the reaper (a periodic job any worker listening to `maintenance` runs) puts
the jobs of a worker silent for `CLAIMFLOW_WORKER_STALLED_S` back in the queue.

A worker outlives its database's outages: procrastinate's worker stops for good when its listener or heartbeat
loses the database (a restart of Postgres, a network cut), and when its own record was removed while it was
silent (frozen past the stall threshold, another worker pruned it). Either way this worker starts procrastinate's
again, registered anew, after a wait that grows from 1 s to 30 s while the database stays out of reach. It first
hands back the jobs it could not hand back while cut off (`reaper.hand_back_own`): a worker that lost its
database is alive, and its runs are not blamed for a stall.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from procrastinate import App

from claimflow.runtime.engine import open_engine
from claimflow.runtime.queue.app import build_app
from claimflow.runtime.queue.beat import beating
from claimflow.runtime.queue.errors import MIGRATE_HINT, QueueSetupError
from claimflow.runtime.queue.lock import RunLocks
from claimflow.runtime.queue.logs import WorkerLog, error_line
from claimflow.runtime.queue.names import worker_queues
from claimflow.runtime.queue.reaper import start_worker
from claimflow.runtime.queue.roster import RecordedWorkers, WorkerRecord
from claimflow.runtime.queue.stop import JobsInHand, stop_within
from claimflow.runtime.settings import Settings
from claimflow.runtime.unavailable import unavailable_reason

_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)

RESTART_WAITS_S = (1.0, 2.0, 4.0, 8.0, 15.0, 30.0)
"""Waits before starting procrastinate's worker again, one more step each time it stops soon after starting;
the last is repeated for as long as the database stays out of reach."""

_STEADY_S = 60.0
"""A worker that ran this long before it stopped was working: its next restart waits the first wait again."""

_WORKER_RECORD_GONE = "procrastinate_jobs_worker_id_fkey"
"""The constraint a job fetch breaks when the worker's record was removed (pruned as silent by another worker)."""


async def run_worker(
    settings: Settings,
    *,
    queues: Sequence[str] | None = None,
    concurrency: int = 1,
    wait: bool = True,
    name: str | None = None,
    beat_fd: int | None = None,
) -> None:
    """Work on `queues` (default: the queue of this worker's model, and maintenance) until stopped.

    `wait=False` returns once the queues are empty (for scripts and benchmarks). SIGINT or SIGTERM stop it
    after the jobs in hand; a job still running after the graceful timeout is handed back to the queue, and
    another worker continues its run from the last checkpoint. A second signal hands them back at once. What it
    does is logged (`logs`). With `beat_fd`, its event loop writes a byte there every second, for the process
    that watches it (`supervisor`).
    """
    if concurrency < 1:
        raise ValueError(f"concurrency must be at least 1, got {concurrency}")
    app = build_app(settings)
    locks = run_locks(settings, concurrency)
    listened = list(queues) if queues else worker_queues(settings.model)
    async with beating(beat_fd), open_engine(settings) as engine, app.open_async(), locks:
        if not await app.check_connection_async():
            # Else the worker would log that it started, then stop at its first query of the queue's tables.
            raise QueueSetupError(MIGRATE_HINT)
        await engine.warm_up()
        _record(app, WorkerRecord(listened, engine.version, settings.worker.heartbeat_s, settings.worker.stalled_s))
        log, in_hand = WorkerLog(name or engine.owner), JobsInHand()
        log.started(listened, concurrency)
        options: dict[str, Any] = {
            "queues": listened,
            "concurrency": concurrency,
            "wait": wait,
            "name": log.name,
            "additional_context": {"engine": engine, "locks": locks, "log": log, "in_hand": in_hand},
            "update_heartbeat_interval": settings.worker.heartbeat_s,
            "stalled_worker_timeout": settings.worker.stalled_s,
            "fetch_job_polling_interval": min(5.0, settings.worker.heartbeat_s),
            "shutdown_graceful_timeout": settings.worker.stalled_s,
            "install_signal_handlers": False,  # `_stopping_on_signals`: the same stop, and a line saying so
        }
        working = asyncio.ensure_future(_keep_working(app, log, options))
        try:
            with _stopping_on_signals(working, log, in_hand, settings.worker.stalled_s):
                await working
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if current is not None and current.cancelling():
                raise  # this coroutine was cancelled, not just the worker by a signal
        finally:
            log.stopped()


def run_locks(settings: Settings, concurrency: int) -> RunLocks:
    """The worker's sessions for its runs' advisory locks: one per job it runs at once, waiting as the settings say."""
    if settings.database_url is None:
        raise ValueError("a worker's run locks need a database URL (CLAIMFLOW_DATABASE_URL)")
    return RunLocks(settings.database_url, size=concurrency, wait_s=settings.postgres_wait_s)


def _manager(app: App) -> RecordedWorkers:
    manager = app.job_manager
    assert isinstance(manager, RecordedWorkers)  # build_app's
    return manager


def _record(app: App, record: WorkerRecord) -> None:
    """Have procrastinate's worker register with `record` beside its own (each time it starts, once a restart)."""
    _manager(app).record = record


async def _keep_working(app: App, log: WorkerLog, options: dict[str, Any]) -> None:
    """Run procrastinate's worker; start it again whenever it stops without being asked to, until cancelled.

    Asked to stop, it is cancelled (`_stopping_on_signals`), so a return is either the end of `wait=False` or a
    stop of its own: a side task (the listener, the heartbeat) lost the database, and procrastinate stops the
    whole worker after the jobs in hand, leaving its queues unserved. An error out of it that says the database
    is out of reach, or that this worker's record is gone, is the same case. Any other error goes up.
    """
    failures = 0
    while True:
        started = time.monotonic()
        with _side_task_failures() as failed:
            # Started, procrastinate's worker removes the records of silent workers: their jobs go back first.
            registry = options["additional_context"]["engine"].registry  # its `run.requeued` events (`stalls`)
            running = asyncio.ensure_future(start_worker(app, options["stalled_worker_timeout"], options, registry))
            try:
                # Shielded: asked to stop, this worker stops it itself (`stop_within`), within a bound, and a stop
                # that procrastinate's worker ends with an error (a write to a database gone) is still a stop.
                await asyncio.shield(running)
                reason = failed[-1] if failed else None
                if reason is None and options["wait"]:
                    reason = "procrastinate's worker stopped by itself"
            except asyncio.CancelledError:
                await stop_within(running, app, log, options["shutdown_graceful_timeout"])
                raise
            except Exception as error:
                reason = _restartable(error)
                if reason is None:
                    raise
        if reason is None:
            return
        failures = 1 if time.monotonic() - started >= _STEADY_S else failures + 1
        wait_s = RESTART_WAITS_S[min(failures, len(RESTART_WAITS_S)) - 1]
        log.restarting(reason, failures, wait_s)
        await asyncio.sleep(wait_s)
        # Whoever else went silent meanwhile may have lost the database too: judged stalled only once this worker
        # has seen it back for the stall threshold (`RecordedWorkers.judging`).
        _manager(app).back_at = time.monotonic()


def _restartable(error: BaseException) -> str | None:
    """Why procrastinate's worker may simply be started again after `error`; None for any other error."""
    reason = unavailable_reason(error)
    if reason is not None:
        return reason
    cause: BaseException | None = error
    while cause is not None:
        if getattr(getattr(cause, "diag", None), "constraint_name", None) == _WORKER_RECORD_GONE:
            return "this worker's record was removed while it was silent (taken for dead): registering again"
        cause = cause.__cause__ or cause.__context__
    return None


class _SideTaskFailed(logging.Handler):
    """Catches procrastinate's record of a side task that failed (it says why only in its log) and keeps why."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.reasons: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if getattr(record, "action", None) == "side_task_failed":
            task, error = getattr(record, "task_name", "side task"), record.exc_info and record.exc_info[1]
            detail = (unavailable_reason(error) or error_line(error)) if error else "no reason given"
            self.reasons.append(f"its {task} failed: {' '.join(detail.split())}")


@contextmanager
def _side_task_failures() -> Iterator[list[str]]:
    """The reasons of procrastinate's side tasks that failed while the block runs (its worker logs them only)."""
    handler = _SideTaskFailed()
    logger = logging.getLogger("procrastinate.worker")
    logger.addHandler(handler)
    try:
        yield handler.reasons
    finally:
        logger.removeHandler(handler)


@contextmanager
def _stopping_on_signals(
    working: asyncio.Future[None], log: WorkerLog, in_hand: JobsInHand, grace_s: float
) -> Iterator[None]:
    """SIGINT or SIGTERM stop the worker after the jobs in hand, as procrastinate's own handlers do, and say so.

    Cancelled, procrastinate's worker stops taking jobs and waits up to its graceful timeout for those in hand.
    A second signal hands them back to the queue at once, so the worker stops within seconds and another
    continues their runs (the signal handlers before this worker's are not put back at the first: asyncio's
    own for SIGINT would cancel the whole program mid-stop, and the worker then waited out its graceful timeout
    without a word). A third acts as it did before the worker started. Only the main thread can handle signals:
    elsewhere, whoever runs the worker stops it by cancelling it.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    loop = asyncio.get_running_loop()
    before = {number: signal.getsignal(number) for number in _STOP_SIGNALS}
    installed = True

    def restore() -> None:
        nonlocal installed
        if installed:
            installed = False
            for number, handler in before.items():
                loop.remove_signal_handler(number)
                if handler is not None:
                    signal.signal(number, handler)

    signals_seen = 0

    def stop(number: signal.Signals) -> None:
        nonlocal signals_seen
        signals_seen += 1
        if signals_seen == 1:
            log.stopping(number.name, grace_s)
            working.cancel()
            return
        restore()
        log.stopping_now(number.name)
        in_hand.hand_back()

    for number in _STOP_SIGNALS:
        loop.add_signal_handler(number, stop, number)
    try:
        yield
    finally:
        restore()
