"""`recover` and `run` (without `--queue`) refuse to advance runs that workers advance: each would run twice.

A worker takes over the lease of whatever process holds a run (it cannot tell a live `recover` or `run` from a
frozen worker), so a `recover` beside workers ran every queued run twice: two model calls per step, two reviews
opened; a `run` of the same folder did the same to the runs it found registered before.
"""

from __future__ import annotations

import signal
from pathlib import Path
from subprocess import CompletedProcess

import pytest

from tests.integration._docs import json_lines, run_cli
from tests.postgres._workers import (
    START_JOBS,
    documents,
    migrate,
    rows,
    spawn_worker,
    stop,
    wait_silent,
    wait_until,
    worker_env,
)

pytestmark = pytest.mark.postgres


def _queued(tmp_path: Path, postgres_url: str) -> list[str]:
    migrate(postgres_url, tmp_path / "data")
    queued = run_cli(
        "run", "--queue", "--json", documents(tmp_path / "in", 2), **worker_env(postgres_url, tmp_path / "data")
    )
    assert queued.returncode == 0, queued.stderr
    return [line["run_id"] for line in json_lines(queued.stdout)]


def _untouched(postgres_url: str) -> None:
    """The runs are still queued, their jobs still waiting: nothing advanced them."""
    assert [row["status"] for row in rows(postgres_url, "SELECT status FROM claimflow_runs")] == ["queued"] * 2
    assert [row["status"] for row in rows(postgres_url, START_JOBS)] == ["todo"] * 2
    events = rows(postgres_url, "SELECT count(*) AS n FROM claimflow_events WHERE type = 'step.started'")
    assert events[0]["n"] == 0


def test_recover_in_production_mode_refuses_and_leaves_the_runs_to_the_workers(
    tmp_path: Path, postgres_url: str
) -> None:
    _queued(tmp_path, postgres_url)
    done = run_cli("recover", **worker_env(postgres_url, tmp_path / "data", CLAIMFLOW_EXECUTION="queue"))
    assert done.returncode == 2, done.stdout + done.stderr
    [line] = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert "CLAIMFLOW_EXECUTION=queue" in line and "twice" in line and "claimflow worker" in line, line
    _untouched(postgres_url)


def _beside_a_live_worker(tmp_path: Path, postgres_url: str, *command: str | Path) -> CompletedProcess[str]:
    """`claimflow COMMAND` while a worker is alive on the database.

    It listens only to maintenance: the runs' jobs stay waiting while it lives.
    """
    env = worker_env(postgres_url, tmp_path / "data")
    worker = spawn_worker(tmp_path / "worker.log", env, "--queues", "maintenance")
    try:
        wait_until(lambda: rows(postgres_url, "SELECT id FROM procrastinate_workers"), 60, "the worker to start")
        return run_cli(*command, **env)
    finally:
        stop(worker)


def test_recover_beside_a_live_worker_refuses_though_production_mode_is_not_set(
    tmp_path: Path, postgres_url: str
) -> None:
    _queued(tmp_path, postgres_url)
    done = _beside_a_live_worker(tmp_path, postgres_url, "recover")
    assert done.returncode == 2, done.stdout + done.stderr
    assert "1 worker(s) alive and 2 run job(s) waiting or running" in done.stderr, done.stderr
    _untouched(postgres_url)


def test_recover_with_a_short_threshold_refuses_beside_a_worker_that_beats_less_often(
    tmp_path: Path, postgres_url: str
) -> None:
    data = tmp_path / "data"
    migrate(postgres_url, data)
    slow = {"CLAIMFLOW_WORKER_HEARTBEAT_S": "20", "CLAIMFLOW_WORKER_STALLED_S": "60"}
    worker = spawn_worker(tmp_path / "worker.log", worker_env(postgres_url, data, **slow), "--queues", "maintenance")
    try:
        wait_until(lambda: rows(postgres_url, "SELECT worker_id FROM claimflow_workers"), 60, "the worker to start")
        [listed] = rows(postgres_url, "SELECT worker_id FROM claimflow_workers")
        worker.send_signal(signal.SIGSTOP)  # between two beats: silent past this process's 3 s, not its own 60 s
        wait_silent(postgres_url, listed["worker_id"], 5)
        done = run_cli("recover", **worker_env(postgres_url, data))
    finally:
        worker.send_signal(signal.SIGCONT)
        stop(worker)

    assert done.returncode == 2, done.stdout + done.stderr
    [line] = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert "1 worker(s) alive" in line and "twice" in line, line


def test_recover_on_a_database_without_workers_or_jobs_still_recovers(tmp_path: Path, postgres_url: str) -> None:
    migrate(postgres_url, tmp_path / "data")
    done = run_cli("recover", **worker_env(postgres_url, tmp_path / "data"))
    assert done.returncode == 0 and "recovered 0 run(s)" in done.stderr, done.stderr


def test_run_without_queue_beside_a_live_worker_refuses_to_continue_its_queued_runs(
    tmp_path: Path, postgres_url: str
) -> None:
    _queued(tmp_path, postgres_url)
    done = _beside_a_live_worker(tmp_path, postgres_url, "run", tmp_path / "in")  # the same folder, in this process
    assert done.returncode == 2, done.stdout + done.stderr
    [line] = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert "1 worker(s) alive" in line and "claimflow run --queue" in line, line
    _untouched(postgres_url)


def test_serve_without_production_mode_beside_a_live_worker_refuses_before_it_listens(
    tmp_path: Path, postgres_url: str
) -> None:
    # A server whose environment lacks CLAIMFLOW_EXECUTION=queue would continue the queued runs as it starts and
    # advance every upload itself, beside the workers that advance them too.
    _queued(tmp_path, postgres_url)
    done = _beside_a_live_worker(tmp_path, postgres_url, "serve", "--port", "0")
    assert done.returncode == 2, done.stdout + done.stderr
    [line] = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert "`serve` advances runs in this process" in line and "1 worker(s) alive" in line, line
    assert "Set CLAIMFLOW_EXECUTION=queue where `claimflow serve` runs" in line, line
    assert "Uvicorn running" not in done.stderr + done.stdout
    _untouched(postgres_url)
