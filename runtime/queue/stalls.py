"""A job that stalls worker after worker fails its run instead of going on to the next one.

The reaper puts back the job of a worker gone silent (`claimflow.runtime.queue.reaper`), and another worker runs it
from the run's last checkpoint. When the document itself is what silenced the worker (a PDF that crashes its
parser's C code, a page that runs the process out of memory, a type's code that kills it), the next worker meets
the same end, and the next: with workers restarted by their supervisor, the queue would go round them for good.

So each run whose job goes back gets a `run.requeued` event naming the job, and a job taken again looks at how many
times it went back so: at `CLAIMFLOW_WORKER_MAX_STALLS` (3) it fails its run with the reason, under the run's lock,
rather than run it. Only jobs tried before (`attempts > 0`) look, so a first try reads nothing more. A worker
killed for other reasons (a deploy, a node lost) puts its jobs back once; three in a row on one job is the
document. `claimflow rerun` runs it again once the cause is fixed.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterable, Mapping
from typing import TYPE_CHECKING

from claimflow.runtime.queue.jobs import fail_in_progress
from claimflow.runtime.queue.logs import STALLED_WORKERS_REASON, emit, transient_reason
from claimflow.state.events import EventType, event

if TYPE_CHECKING:
    from procrastinate.jobs import Job

    from claimflow.runtime.engine import Engine
    from claimflow.runtime.queue.lock import RunLocks
    from claimflow.runtime.registry import AsyncRegistry, RunRow

REQUEUED: EventType = "run.requeued"
"""The event a run gets when the reaper puts its job back."""


async def record_requeued(
    registry: AsyncRegistry, jobs: Iterable[Job], silences: Mapping[int, float], exited: Collection[int] = ()
) -> None:
    """Give each run whose job the reaper put back its `run.requeued` event, in one write.

    `silences`: how long each worker had been silent, by its id; `exited`: the workers whose process was seen gone
    on this host (`queue.exited`), put back before their silence was long. A write that fails is logged and left:
    the jobs are back either way, and a stall not counted only lets a job run once more before the limit.
    """
    batches = [
        (
            str(job.task_kwargs["run_id"]),
            [
                event(
                    REQUEUED,
                    "worker",
                    job_id=job.id,
                    task=job.task_name,
                    worker_id=job.worker_id if job.worker_id in silences else None,
                    silent_s=silences.get(job.worker_id) if job.worker_id is not None else None,
                    exited=job.worker_id in exited,
                )
            ],
        )
        for job in jobs
        if job.task_kwargs.get("run_id")
    ]
    if not batches:
        return
    try:
        await registry.append_many(batches)
    except Exception as error:  # noqa: BLE001 - the jobs are back; only the count of their stalls is short
        emit(logging.WARNING, "jobs.requeued_unrecorded", runs=len(batches), reason=transient_reason(error))


async def stalls(registry: AsyncRegistry, run_id: str, job_id: int) -> int:
    """How many times the job `job_id` was put back after its worker exited or went silent, by the run's events.

    Counted by the registry: every job taken again asks, and a long run's other events are many.
    """
    return await registry.count_events(run_id, REQUEUED, job_id=job_id)


def stalled_reason(count: int, limit: int) -> str:
    """Why a run whose job stalled `count` workers was failed (`limit`: CLAIMFLOW_WORKER_MAX_STALLS)."""
    return (
        f"{STALLED_WORKERS_REASON}{count} times, each time after the worker advancing it exited or went silent past "
        "CLAIMFLOW_WORKER_STALLED_S (killed or frozen while running it: a document that crashes the process or runs "
        "it out of memory, or code that holds the interpreter lock); it was failed rather than given to another "
        f"worker (CLAIMFLOW_WORKER_MAX_STALLS={limit}). Its trace lists each time (run.requeued); once the cause "
        "is fixed, claimflow rerun runs it again"
    )


async def failed_for_stalls(engine: Engine, job: Job, run_id: str, locks: RunLocks | None) -> RunRow | None:
    """The run, failed, when its job was put back `max_stalls` times after stalled workers; else None (run it).

    Under the run's lock, as any failing of a job's run (`fail_in_progress`): a run another worker holds raises
    RunLockedError, and the job is tried again later.
    """
    if job.attempts == 0 or job.id is None:
        return None
    limit = engine.settings.worker.max_stalls
    count = await stalls(engine.registry, run_id, job.id)
    if count < limit:
        return None
    return await fail_in_progress(engine, run_id, stalled_reason(count, limit), locks)
