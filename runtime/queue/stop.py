"""Stopping procrastinate's worker within a bound, whether its database answers or not.

Asked to stop (cancelled), procrastinate's worker stops taking jobs, waits up to its graceful timeout for the
jobs in hand, then writes: the status of each job, and the removal of its own record. Each write first waits
for a session from its pool, up to the pool's timeout (30 s), and a database that was dropped or cannot be
reached never gives one. Worse, procrastinate's worker ends such a stop with that write's error, not with its
cancellation, so a caller that restarts it on errors (see `worker`) would take the stop for an outage and start
it again. Here a stop is awaited for as long as jobs are in hand (their graceful timeout is procrastinate's),
then `STOP_WRITES_S` more for the writes; a worker still not stopped then is waiting on its database, and the
queue's pool is closed under it, which fails those waits at once. The reaper of another worker puts back the
jobs whose status was not written, and removes the record left behind, as it does for a worker that was killed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager

from procrastinate import App, PsycopgConnector

from claimflow.runtime.queue.logs import WorkerLog

STOP_WRITES_S = 3.0
"""How long procrastinate's worker may take, once no job is in hand, to write its stop: ample for a database that
answers (a few statements), and the most a stopping worker waits on one that does not."""

_POOL_CLOSE_S = 1.0
"""How long closing the queue's pool waits for its own tasks (connection attempts to a database that is gone)."""

_POLL_S = 0.1
"""How often the jobs in hand are counted while they finish."""


class JobsInHand:
    """The tasks of the run jobs a worker has in hand, so that a second stop signal can hand them back at once.

    procrastinate hands a job back only when the graceful timeout runs out; an operator who asks twice wants the
    worker gone now, without leaving its jobs `doing` until the reaper finds them.
    """

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[object]] = set()
        self.handing_back = False
        """Set once `hand_back` was called: a run job cancelled from then on is handed back, not aborted."""

    @contextmanager
    def holding(self) -> Iterator[None]:
        """The current task holds a run job while the block runs."""
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
        try:
            yield
        finally:
            if task is not None:
                self._tasks.discard(task)

    def hand_back(self) -> int:
        """Cancel every run job in hand, each to be handed back to the queue by its job; returns how many."""
        self.handing_back = True
        for task in self._tasks:
            task.cancel()
        return len(self._tasks)


async def stop_within(running: asyncio.Future[None], app: App, log: WorkerLog, grace_s: float) -> None:
    """Cancel procrastinate's worker `running` and wait for it to stop, never longer than its database deserves.

    The jobs in hand have up to `grace_s` (procrastinate's graceful timeout, after which it hands them back)
    and `STOP_WRITES_S` more; the writes after them, `STOP_WRITES_S`. Past that the queue's pool is closed
    (`worker.stop_unrecorded`). How `running` ended is not told: it was asked to stop, and it did.
    """
    loop = asyncio.get_running_loop()
    running.cancel()
    jobs_deadline = loop.time() + grace_s + STOP_WRITES_S
    while log.in_hand > 0 and not running.done() and loop.time() < jobs_deadline:
        await asyncio.wait({running}, timeout=_POLL_S)
    await asyncio.wait({running}, timeout=STOP_WRITES_S)
    if not running.done():
        log.stop_unrecorded(STOP_WRITES_S)
        connector = app.connector
        if isinstance(connector, PsycopgConnector):
            await connector.pool.close(timeout=_POOL_CLOSE_S)
        await asyncio.wait({running}, timeout=STOP_WRITES_S)
    if running.done() and not running.cancelled():
        running.exception()  # the error of a write it gave up: retrieved, so asyncio does not log it at exit
