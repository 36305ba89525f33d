"""`claimflow worker`: one process that takes run jobs from the queue and advances them with its engine.

Any number of workers on any number of machines share one database. Each writes a heartbeat every
`CLAIMFLOW_WORKER_HEARTBEAT_S`; the reaper (a periodic job any worker listening to `maintenance` runs) puts
the jobs of a worker silent for `CLAIMFLOW_WORKER_STALLED_S` back in the queue.
"""

from __future__ import annotations

from collections.abc import Sequence

from claimflow.runtime.engine import open_engine
from claimflow.runtime.queue.app import build_app
from claimflow.runtime.queue.lock import RunLocks
from claimflow.runtime.queue.names import worker_queues
from claimflow.runtime.settings import Settings


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
    another worker continues its run from the last checkpoint.
    """
    if concurrency < 1:
        raise ValueError(f"concurrency must be at least 1, got {concurrency}")
    app = build_app(settings)
    assert settings.database_url is not None  # build_app refuses settings without one
    locks = RunLocks(settings.database_url, size=concurrency)
    async with open_engine(settings) as engine, app.open_async(), locks:
        await engine.warm_up()
        await app.run_worker_async(
            queues=list(queues) if queues else worker_queues(settings.model),
            concurrency=concurrency,
            wait=wait,
            name=name or engine.owner,
            additional_context={"engine": engine, "locks": locks},
            update_heartbeat_interval=settings.worker.heartbeat_s,
            stalled_worker_timeout=settings.worker.stalled_s,
            fetch_job_polling_interval=min(5.0, settings.worker.heartbeat_s),
            shutdown_graceful_timeout=settings.worker.stalled_s,
        )
