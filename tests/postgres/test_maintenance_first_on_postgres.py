"""Maintenance jobs go before a backlog of run jobs: the reaper must not wait for the runs to drain.

A worker takes the waiting job procrastinate's fetch gives it (highest priority, then oldest): with hundreds of
run jobs queued before it, the next job taken is still the reaper's tick. A database whose maintenance jobs were
queued by an older claimflow has them moved ahead by `claimflow db migrate`.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from procrastinate import App
from procrastinate.exceptions import AlreadyEnqueued

from claimflow.runtime.queue.app import build_app
from claimflow.runtime.queue.names import (
    CLEAN_TASK,
    MAINTENANCE_PRIORITY,
    MAINTENANCE_QUEUE,
    OFFLINE_QUEUE,
    PRUNE_TASK,
    REAP_TASK,
    RESUME_TASK,
    START_TASK,
)
from claimflow.runtime.settings import Settings
from tests.postgres._workers import migrate, rows

pytestmark = pytest.mark.postgres

BACKLOG = 300


async def _backlog(app: App) -> None:
    for index in range(BACKLOG):
        task = app.tasks[RESUME_TASK if index % 3 == 2 else START_TASK]
        await task.configure(lock=f"run-{index}", queue=OFFLINE_QUEUE).defer_async(run_id=f"run-{index}")


async def _taken(app: App, count: int) -> list[str]:
    """The tasks of the next `count` jobs a worker on the offline and maintenance queues takes."""
    worker_id = await app.job_manager.register_worker()
    taken = []
    for _ in range(count):
        job = await app.job_manager.fetch_job(queues=[OFFLINE_QUEUE, MAINTENANCE_QUEUE], worker_id=worker_id)
        assert job is not None
        taken.append(job.task_name)
    return taken


async def test_maintenance_jobs_are_taken_before_a_backlog_of_run_jobs(tmp_path: Path, postgres_url: str) -> None:
    data = tmp_path / "data"
    migrate(postgres_url, data)
    app = build_app(Settings(data_dir=data, database_url=postgres_url))
    async with app.open_async():
        await _backlog(app)
        await app.tasks[REAP_TASK].defer_async(timestamp=1)
        await app.tasks[PRUNE_TASK].defer_async(timestamp=1)
        await app.tasks[CLEAN_TASK].defer_async(timestamp=1)
        with pytest.raises(AlreadyEnqueued):  # one reaper tick waits at most: the next ones are not queued
            await app.tasks[REAP_TASK].defer_async(timestamp=2)
        taken = await _taken(app, 4)

    assert taken == [REAP_TASK, PRUNE_TASK, CLEAN_TASK, START_TASK]
    waiting = rows(postgres_url, "SELECT count(*) AS n FROM procrastinate_jobs WHERE status = 'todo'")
    assert int(waiting[0]["n"]) == BACKLOG - 1


async def test_migrate_moves_maintenance_jobs_an_older_claimflow_queued_ahead(
    tmp_path: Path, postgres_url: str
) -> None:
    data = tmp_path / "data"
    migrate(postgres_url, data)
    app = build_app(Settings(data_dir=data, database_url=postgres_url))
    async with app.open_async():
        await _backlog(app)
        # As an older claimflow queued the reaper's ticks: the default priority, no queueing lock, behind the runs.
        for tick in (1, 2):
            rows(
                postgres_url,
                "INSERT INTO procrastinate_jobs (queue_name, task_name, args) VALUES (%s, %s, %s) RETURNING id",
                MAINTENANCE_QUEUE,
                REAP_TASK,
                f'{{"timestamp": {tick}}}',
            )
        migrate(postgres_url, data)
        taken = await _taken(app, 3)

    assert taken == [REAP_TASK, REAP_TASK, START_TASK]
    runs = rows(postgres_url, "SELECT DISTINCT priority FROM procrastinate_jobs WHERE queue_name = %s", OFFLINE_QUEUE)
    assert runs == [{"priority": 0}]
    assert MAINTENANCE_PRIORITY > 0
