"""Counting a job's stalls from its run's events, and how a run failed for them is named in a worker's log."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from claimflow.runtime.queue.logs import failure_kind
from claimflow.runtime.queue.stalls import REQUEUED, stalled_reason, stalls
from claimflow.runtime.registry import AsyncRegistry, Registry
from claimflow.state.events import Event, event


def _requeued(job_id: Any) -> Event:
    return event(REQUEUED, "worker", job_id=job_id, worker_id=4, silent_s=61.2)


async def test_only_the_jobs_own_requeues_count_as_its_stalls(tmp_path: Path) -> None:
    registry = AsyncRegistry(Registry(tmp_path / "claimflow.db"), threads=1)
    try:
        await registry.append_events(
            "run-1",
            [
                event("run.started", "engine"),
                _requeued(7),
                event("step.completed", "parse", job_id=7),  # another type with the same key
                _requeued(7),
                _requeued(8),  # the run's resume job, put back once
                _requeued("7"),  # the job's id as text: not the job
                event(REQUEUED, "worker"),  # no job named: counted for no job
            ],
        )
        await registry.append_events("run-2", [_requeued(7), _requeued(7)])  # another run's job of that id
        assert await stalls(registry, "run-1", 7) == 2
        assert await stalls(registry, "run-1", 8) == 1
        assert await stalls(registry, "run-1", 9) == 0
        assert await stalls(registry, "run-3", 7) == 0
    finally:
        registry.close()


def test_a_run_failed_for_its_stalls_is_logged_by_kind_and_its_reason_says_what_to_do() -> None:
    reason = stalled_reason(3, 3)
    assert reason.startswith(
        "its job was put back 3 times, each time after the worker advancing it exited or went silent"
    )
    assert "CLAIMFLOW_WORKER_MAX_STALLS=3" in reason and "run.requeued" in reason and "claimflow rerun" in reason
    assert failure_kind(reason) == "stalled_workers"


class _Unreachable:
    """A connector no query may reach: a judge back from an outage must not read the workers' silences yet."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"the connector was used ({name}) by a judge just back from an outage")


async def test_a_worker_back_from_losing_its_database_judges_no_other_worker_stalled_for_a_threshold() -> None:
    from procrastinate import App

    from claimflow.runtime.queue.reaper import requeue_stalled
    from claimflow.runtime.queue.roster import RecordedWorkers

    manager = RecordedWorkers(connector=_Unreachable())  # type: ignore[arg-type]
    assert manager.judging(60.0)  # never restarted: it judges as ever
    manager.back_at = time.monotonic()
    assert not manager.judging(60.0)
    assert await manager.prune_stalled_workers(60.0) == []
    app = App(connector=_Unreachable())  # type: ignore[arg-type]
    app.job_manager = manager
    assert await requeue_stalled(app, 60.0) == 0
    manager.back_at = time.monotonic() - 61.0
    assert manager.judging(60.0)


class _Doing:
    """A connector whose `doing` jobs are those of worker 1; it records the worker ids each query asked about."""

    def __init__(self) -> None:
        self.asked: list[list[int]] = []

    async def execute_query_all_async(self, query: str, **arguments: Any) -> list[dict[str, Any]]:
        ids = list(arguments["ids"])
        self.asked.append(ids)
        return [{"id": 10, "worker_id": 1, "run_id": "run-1"}] if 1 in ids else []


class _HandsBack:
    """A job manager's stand-in that records the jobs put back."""

    def __init__(self) -> None:
        self.retried: list[int] = []

    async def retry_job_by_id_async(self, job_id: int, retry_at: Any) -> None:
        self.retried.append(job_id)


async def test_a_worker_asks_only_about_the_ids_of_its_last_outage_however_many_it_had() -> None:
    from procrastinate import App

    from claimflow.runtime.queue.reaper import hand_back_own
    from claimflow.runtime.queue.roster import RecordedWorkers

    connector = _Doing()
    manager = RecordedWorkers(connector=connector)  # type: ignore[arg-type]
    handing = _HandsBack()
    manager.retry_job_by_id_async = handing.retry_job_by_id_async  # type: ignore[method-assign]
    app = App(connector=connector)  # type: ignore[arg-type]
    app.job_manager = manager
    manager.registered.extend([1, 2])  # two starts of procrastinate's worker, the first one's job left `doing`
    assert await hand_back_own(app) == 1
    assert handing.retried == [10] and connector.asked == [[1, 2]]
    manager.registered.append(3)  # started again, then cut off once more
    assert await hand_back_own(app) == 0
    assert connector.asked == [[1, 2], [3]], "ids whose jobs were already handed back are asked about again"
