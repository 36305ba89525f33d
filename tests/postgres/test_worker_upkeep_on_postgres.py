"""What workers do besides advancing runs: pruning old finished runs (CLAIMFLOW_PRUNE_AFTER), delivering records."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from pathlib import Path

import pytest
from procrastinate.periodic import PeriodicDeferrer

from claimflow.runtime.queue.app import build_app
from claimflow.runtime.queue.names import PRUNE_TASK
from claimflow.runtime.settings import Settings, WorkerTiming
from tests.integration._delivery import SECRET, events, exported
from tests.integration._docs import invoice_text, json_lines, run_cli, write
from tests.integration._receiver import webhook_receiver
from tests.postgres._workers import CONTRACT, INVOICE, migrate, rows, spawn_worker, stop, wait_until, worker_env

pytestmark = pytest.mark.postgres

DAY = 86400.0


def _tick(url: str, data: Path, timestamp: int) -> None:
    """Defer one prune tick, as procrastinate's periodic deferrer of a worker with the setting does."""

    async def defer() -> None:
        app = build_app(Settings(data_dir=data, database_url=url))
        async with app.open_async():
            await app.tasks[PRUNE_TASK].defer_async(timestamp=timestamp)

    asyncio.run(defer())


def _tick_done(url: str, timestamp: int) -> bool:
    query = "SELECT status FROM procrastinate_jobs WHERE task_name = %s AND (args->>'timestamp')::int = %s"
    return [row["status"] for row in rows(url, query, PRUNE_TASK, timestamp)] == ["succeeded"]


def _checkpoints(url: str, run_id: str) -> int:
    return int(rows(url, "SELECT count(*) AS n FROM checkpoints WHERE thread_id = %s", run_id)[0]["n"])


def test_the_prune_tick_is_scheduled_only_with_the_setting(tmp_path: Path) -> None:
    url = "postgresql://postgres@127.0.0.1:5432/unused"
    without = build_app(Settings(data_dir=tmp_path, database_url=url))
    with_it = build_app(
        Settings(data_dir=tmp_path, database_url=url, worker=WorkerTiming(prune_after=timedelta(days=30)))
    )
    assert PRUNE_TASK in without.tasks and PRUNE_TASK in with_it.tasks  # any worker can take a tick
    assert PRUNE_TASK not in {name for name, _ in without.periodic_registry.periodic_tasks}
    assert PRUNE_TASK in {name for name, _ in with_it.periodic_registry.periodic_tasks}


def test_a_worker_prunes_old_finished_runs_only_with_the_setting(tmp_path: Path, postgres_url: str) -> None:
    data = tmp_path / "data"
    migrate(postgres_url, data)
    queued = run_cli("run", "--queue", "--json", INVOICE, CONTRACT, **worker_env(postgres_url, data))
    assert queued.returncode == 0, queued.stderr
    worker = spawn_worker(tmp_path / "plain.log", worker_env(postgres_url, data))
    try:
        wait_until(
            lambda: (
                {row["status"] for row in rows(postgres_url, "SELECT status FROM claimflow_runs")}
                == {"completed", "needs_review"}
            ),
            60,
            "one run to complete and one to pause",
        )
        # Both runs last changed ten days ago: the completed one is old enough to prune, the paused one never is.
        rows(postgres_url, "UPDATE claimflow_runs SET updated_at = updated_at - %s RETURNING run_id", 10 * DAY)
        _tick(postgres_url, data, 1)
        wait_until(lambda: _tick_done(postgres_url, 1), 60, "the worker without the setting to take the tick")
    finally:
        stop(worker)
    by_status = {row["status"]: row["run_id"] for row in rows(postgres_url, "SELECT * FROM claimflow_runs")}
    done, paused = by_status["completed"], by_status["needs_review"]
    pruned_events = "SELECT run_id FROM claimflow_events WHERE type = 'run.pruned'"
    assert rows(postgres_url, pruned_events) == [] and _checkpoints(postgres_url, done) > 0

    worker = spawn_worker(tmp_path / "pruning.log", worker_env(postgres_url, data, CLAIMFLOW_PRUNE_AFTER="7d"))
    try:
        _tick(postgres_url, data, 2)
        wait_until(lambda: _tick_done(postgres_url, 2), 60, "the worker with the setting to prune")
    finally:
        stop(worker)
    assert [row["run_id"] for row in rows(postgres_url, pruned_events)] == [done]
    assert _checkpoints(postgres_url, done) == 0 and _checkpoints(postgres_url, paused) > 0
    shown = run_cli("show", done, "--json", **worker_env(postgres_url, data))
    assert shown.returncode == 0 and json_lines(shown.stdout)[0]["status"] == "completed", shown.stderr


def _scheduled_tick(url: str, data: Path, timestamp: int, prune_after: timedelta) -> None:
    """Defer one prune tick through procrastinate's own periodic deferrer, as a worker with the setting does."""

    async def defer() -> None:
        app = build_app(Settings(data_dir=data, database_url=url, worker=WorkerTiming(prune_after=prune_after)))
        scheduled = [task for (name, _), task in app.periodic_registry.periodic_tasks.items() if name == PRUNE_TASK]
        async with app.open_async():
            await PeriodicDeferrer(registry=app.periodic_registry).defer_jobs([(scheduled[0], timestamp)])

    asyncio.run(defer())


def test_a_scheduled_tick_prunes_by_its_age_whichever_worker_takes_it(tmp_path: Path, postgres_url: str) -> None:
    # A fleet where only some workers have CLAIMFLOW_PRUNE_AFTER: the tick one of them scheduled may be taken by
    # one without it, which must prune by the scheduler's age, not skip, and say what it did.
    data = tmp_path / "data"
    migrate(postgres_url, data)
    queued = run_cli("run", "--queue", "--json", INVOICE, CONTRACT, **worker_env(postgres_url, data))
    assert queued.returncode == 0, queued.stderr
    log = tmp_path / "plain.log"
    worker = spawn_worker(log, worker_env(postgres_url, data))
    try:
        wait_until(
            lambda: (
                {row["status"] for row in rows(postgres_url, "SELECT status FROM claimflow_runs")}
                == {"completed", "needs_review"}
            ),
            60,
            "one run to complete and one to pause",
        )
        rows(postgres_url, "UPDATE claimflow_runs SET updated_at = updated_at - %s RETURNING run_id", 10 * DAY)
        _scheduled_tick(postgres_url, data, 1, timedelta(days=7))
        wait_until(lambda: _tick_done(postgres_url, 1), 60, "the worker without the setting to take the tick")
    finally:
        stop(worker)
    by_status = {row["status"]: row["run_id"] for row in rows(postgres_url, "SELECT * FROM claimflow_runs")}
    done, paused = by_status["completed"], by_status["needs_review"]
    pruned = rows(postgres_url, "SELECT run_id FROM claimflow_events WHERE type = 'run.pruned'")
    assert [row["run_id"] for row in pruned] == [done]
    assert _checkpoints(postgres_url, done) == 0 and _checkpoints(postgres_url, paused) > 0
    lines = [line for line in log.read_text().splitlines() if "runs.pruned" in line]
    assert len(lines) == 1 and "older_than_s=604800 runs=1 " in lines[0], log.read_text()


def test_a_worker_delivers_the_record_once_signed_as_a_local_run_does(tmp_path: Path, postgres_url: str) -> None:
    data = tmp_path / "data"
    migrate(postgres_url, data)
    document = write(tmp_path / "docs", "invoice.txt", invoice_text())
    with webhook_receiver(SECRET) as receiver:
        env = worker_env(
            postgres_url, data, CLAIMFLOW_DELIVER=f"webhook:{receiver.url}", CLAIMFLOW_DELIVER_SECRET=SECRET
        )
        queued = run_cli("run", "--queue", "--json", document, **worker_env(postgres_url, data))
        assert queued.returncode == 0, queued.stderr
        run_id = json_lines(queued.stdout)[0]["run_id"]
        worker = spawn_worker(tmp_path / "worker.log", env)
        try:
            wait_until(
                lambda: rows(postgres_url, "SELECT status FROM claimflow_runs")[0]["status"] == "completed",
                60,
                "the worker to complete and deliver the run",
            )
        finally:
            stop(worker)

    [sent] = receiver.received
    assert sent.signed and sent.key.startswith(f"{run_id}:deliver:")
    assert list(receiver.delivered) == [sent.key]
    assert json.loads(sent.body) == exported(tmp_path, env)[run_id]
    trace = [item for item in events(run_id, env) if item["type"].startswith("delivery.")]
    assert [item["type"] for item in trace] == ["delivery.started", "delivery.succeeded"]
    assert {item["data"]["key"] for item in trace} == {sent.key}
