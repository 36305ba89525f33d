"""`claimflow worker`: one process that takes run jobs from the queue and advances them with its engine.

Any number of workers on any number of machines share one database. Each writes a heartbeat every
`CLAIMFLOW_WORKER_HEARTBEAT_S`; the reaper (a periodic job any worker listening to `maintenance` runs) puts
the jobs of a worker silent for `CLAIMFLOW_WORKER_STALLED_S` back in the queue.
"""

from __future__ import annotations

import asyncio
import signal
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from claimflow.runtime.engine import open_engine
from claimflow.runtime.queue.app import build_app
from claimflow.runtime.queue.lock import RunLocks
from claimflow.runtime.queue.logs import WorkerLog
from claimflow.runtime.queue.names import worker_queues
from claimflow.runtime.settings import Settings

_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


async def run_worker(
    settings: Settings,
    *,
    queues: Sequence[str] | None = None,
    concurrency: int = 1,
    wait: bool = True,
    name: str | None = None,
) -> None:
    """Work on `queues` (default: the queue of this worker's model, and maintenance) until stopped.

    `wait=False` returns once the queues are empty (for scripts and benchmarks). SIGINT or SIGTERM stop it
    after the jobs in hand; a job still running after the graceful timeout is handed back to the queue, and
    another worker continues its run from the last checkpoint. What it does is logged (`logs`).
    """
    if concurrency < 1:
        raise ValueError(f"concurrency must be at least 1, got {concurrency}")
    app = build_app(settings)
    assert settings.database_url is not None  # build_app refuses settings without one
    locks = RunLocks(settings.database_url, size=concurrency)
    listened = list(queues) if queues else worker_queues(settings.model)
    async with open_engine(settings) as engine, app.open_async(), locks:
        await engine.warm_up()
        log = WorkerLog(name or engine.owner)
        log.started(listened, concurrency)
        working = asyncio.ensure_future(
            app.run_worker_async(
                queues=listened,
                concurrency=concurrency,
                wait=wait,
                name=log.name,
                additional_context={"engine": engine, "locks": locks, "log": log},
                update_heartbeat_interval=settings.worker.heartbeat_s,
                stalled_worker_timeout=settings.worker.stalled_s,
                fetch_job_polling_interval=min(5.0, settings.worker.heartbeat_s),
                shutdown_graceful_timeout=settings.worker.stalled_s,
                install_signal_handlers=False,  # `_stopping_on_signals`: the same stop, and a line saying so
            )
        )
        try:
            with _stopping_on_signals(working, log, settings.worker.stalled_s):
                await working
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if current is not None and current.cancelling():
                raise  # this coroutine was cancelled, not just the worker by a signal
        finally:
            log.stopped()


@contextmanager
def _stopping_on_signals(working: asyncio.Future[None], log: WorkerLog, grace_s: float) -> Iterator[None]:
    """SIGINT or SIGTERM stop the worker after the jobs in hand, as procrastinate's own handlers do, and say so.

    Cancelled, procrastinate's worker stops taking jobs and waits up to its graceful timeout for those in hand.
    A second signal acts as it did before the worker started (a second Ctrl-C interrupts). Only the main thread
    can handle signals: elsewhere, whoever runs the worker stops it by cancelling it.
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

    def stop(number: signal.Signals) -> None:
        restore()
        log.stopping(number.name, grace_s)
        working.cancel()

    for number in _STOP_SIGNALS:
        loop.add_signal_handler(number, stop, number)
    try:
        yield
    finally:
        restore()
