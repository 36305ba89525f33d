"""Each worker's record beside procrastinate's: `status` lists it, `check` reads its queues, the reaper its threshold.

Real `claimflow worker` processes on a scratch database: the record is written as a worker registers and goes with
procrastinate's own when it stops.
"""

from __future__ import annotations

import signal
import time
from pathlib import Path
from typing import Any

import psycopg
import pytest

from tests.integration._docs import json_lines, run_cli
from tests.integration._forked import ForkedProcess
from tests.postgres._workers import (
    CONTRACT,
    FINISHED,
    UNWATCHED,
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

SLOW = {"CLAIMFLOW_WORKER_HEARTBEAT_S": "20", "CLAIMFLOW_WORKER_STALLED_S": "60", **UNWATCHED}
"""A worker that beats every 20 s, taken for stalled after 60 s of silence: the others' 3 s must not judge it.
The worker process itself, frozen by SIGSTOP."""


def _status(env: dict[str, str]) -> dict[str, Any]:
    done = run_cli("status", "--json", **env)
    assert done.returncode == 0, done.stderr
    [found] = json_lines(done.stdout)
    return found


def _workers_listed(env: dict[str, str], count: int) -> list[dict[str, Any]]:
    listed: list[dict[str, Any]] = []

    def found() -> bool:
        listed[:] = _status(env)["workers"]
        return len(listed) == count

    wait_until(found, 60, f"{count} worker(s) listed by status")
    return listed


def test_migrate_adds_the_workers_table_to_a_queue_made_before_it_and_is_then_harmless(
    tmp_path: Path, postgres_url: str
) -> None:
    env = worker_env(postgres_url, tmp_path / "data")
    migrate(postgres_url, tmp_path / "data")
    with_table = rows(postgres_url, "SELECT to_regclass('claimflow_workers') IS NOT NULL AS here")
    assert with_table == [{"here": True}]
    _drop_workers_table(postgres_url)  # as a database migrated by an older claimflow

    again = run_cli("db", "migrate", **env)
    once_more = run_cli("db", "migrate", **env)

    assert "queue updated" in again.stdout and "queue present" in once_more.stdout, again.stdout + once_more.stdout
    assert rows(postgres_url, "SELECT to_regclass('claimflow_workers') IS NOT NULL AS here") == [{"here": True}]


def _drop_workers_table(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP TABLE claimflow_workers")


def test_status_lists_each_live_worker_with_its_queues_and_version_and_forgets_one_that_stopped(
    tmp_path: Path, postgres_url: str
) -> None:
    data = tmp_path / "data"
    env = worker_env(postgres_url, data)
    migrate(postgres_url, data)
    assert run_cli("run", "--queue", CONTRACT, **env).returncode == 0
    offline = spawn_worker(tmp_path / "offline.log", {**env, **UNWATCHED}, "--queues", "offline")  # their pids
    default = spawn_worker(tmp_path / "default.log", {**env, **UNWATCHED})
    try:
        listed = _workers_listed(env, 2)
        query = "SELECT status, workflow_version FROM claimflow_runs"
        wait_until(lambda: rows(postgres_url, query)[0]["status"] in FINISHED, 60, "the run to be advanced")
        [run] = rows(postgres_url, query)  # advanced by one of them, under its version
        by_pid = {worker["pid"]: worker for worker in listed}
        assert set(by_pid) == {offline.pid, default.pid}, listed
        assert by_pid[offline.pid]["queues"] == ["offline"]
        assert by_pid[default.pid]["queues"] == ["offline", "maintenance"]
        versions = {worker["version"] for worker in listed}
        assert versions == {run["workflow_version"]}, (listed, run)
        assert {(worker["heartbeat_s"], worker["stalled_s"]) for worker in listed} == {(0.5, 3.0)}

        shown = run_cli("status", **env).stdout
        [row] = [line for line in shown.splitlines() if f":{offline.pid}" in line]
        assert "offline" in row and "maintenance" not in row and next(iter(versions)) in row, shown

        stop(offline)
        assert [worker["pid"] for worker in _workers_listed(env, 1)] == [default.pid]
        # The record went with procrastinate's: none is left behind for a worker that stopped.
        assert rows(postgres_url, "SELECT pid FROM claimflow_workers") == [{"pid": default.pid}]
    finally:
        stop(offline)
        stop(default)


def test_check_warns_of_a_needed_queue_no_live_worker_serves(tmp_path: Path, postgres_url: str) -> None:
    data = tmp_path / "data"
    env = worker_env(postgres_url, data)
    migrate(postgres_url, data)
    offline = spawn_worker(tmp_path / "offline.log", env, "--queues", "offline")
    try:
        _workers_listed(env, 1)
        done = run_cli("check", "--json", **env, CLAIMFLOW_EXECUTION="queue")
        [queue] = [item for item in json_lines(done.stdout) if item["check"] == "queue"]
        assert queue["outcome"] == "warning", queue
        assert "1 worker(s) alive, none serving maintenance" in queue["detail"], queue

        both = spawn_worker(tmp_path / "both.log", env)
        try:
            _workers_listed(env, 2)
            done = run_cli("check", "--json", **env, CLAIMFLOW_EXECUTION="queue")
            [queue] = [item for item in json_lines(done.stdout) if item["check"] == "queue"]
            assert queue == {
                "check": "queue",
                "outcome": "ok",
                "detail": "2 worker(s) alive, serving maintenance, offline",
            }
        finally:
            stop(both)
    finally:
        stop(offline)


def _held_by(url: str, worker_id: int) -> list[int]:
    """The jobs `doing` for this worker, by id."""
    query = "SELECT id FROM procrastinate_jobs WHERE status = 'doing' AND worker_id = %s ORDER BY id"
    return [row["id"] for row in rows(url, query, worker_id)]


def _frozen_with_jobs(tmp_path: Path, url: str) -> tuple[ForkedProcess, int, list[int]]:
    """A worker that beats every 20 s (`SLOW`), frozen mid-jobs, silent past the others' 3 s but not its own 60 s.

    Its process, id and the jobs it holds; the caller sends it SIGCONT and stops it.
    """
    data = tmp_path / "data"
    migrate(url, data)
    folder = documents(tmp_path / "in", 40)
    assert run_cli("run", "--queue", folder, **worker_env(url, data)).returncode == 0
    slow = spawn_worker(tmp_path / "slow.log", worker_env(url, data, **SLOW), "--concurrency", "3")
    try:
        [slow_id] = [worker["id"] for worker in _workers_listed(worker_env(url, data), 1)]
        wait_until(lambda: bool(_held_by(url, slow_id)), 60, "the slow worker to hold jobs")
        slow.send_signal(signal.SIGSTOP)  # frozen mid-jobs: silent, but not yet for its own 60 s
        time.sleep(0.5)
        held = _held_by(url, slow_id)
        assert held
        wait_silent(url, slow_id, 5)
    except BaseException:
        slow.send_signal(signal.SIGCONT)
        stop(slow)
        raise
    return slow, slow_id, held


def test_a_worker_with_a_short_threshold_leaves_alone_the_jobs_of_one_that_beats_less_often(
    tmp_path: Path, postgres_url: str
) -> None:
    slow, slow_id, held = _frozen_with_jobs(tmp_path, postgres_url)
    fast: Any = None
    try:
        # A worker starting now finds the slow one silent past its 3 s: it would put back its jobs and remove it.
        fast = spawn_worker(tmp_path / "fast.log", worker_env(postgres_url, tmp_path / "data"))
        wait_until(lambda: "worker.started" in (tmp_path / "fast.log").read_text(), 60, "the fast worker to start")
        time.sleep(4)  # its start, then a few of its reaper's ticks (every 1 s)

        assert _held_by(postgres_url, slow_id) == held
        assert rows(postgres_url, "SELECT id FROM procrastinate_workers WHERE id = %s", slow_id) == [{"id": slow_id}]
        assert "jobs.requeued" not in (tmp_path / "fast.log").read_text()
    finally:
        slow.send_signal(signal.SIGCONT)
        stop(slow)
        if fast is not None:
            stop(fast)


def test_status_with_a_short_threshold_counts_alive_a_worker_that_beats_less_often_and_its_jobs_not_stalled(
    tmp_path: Path, postgres_url: str
) -> None:
    slow, slow_id, held = _frozen_with_jobs(tmp_path, postgres_url)
    env = worker_env(postgres_url, tmp_path / "data")  # judged with 3 s; the slow worker recorded 60 s
    try:
        found = _status(env)
        shown = run_cli("status", **env).stdout
    finally:
        slow.send_signal(signal.SIGCONT)
        stop(slow)

    assert (found["workers_alive"], found["jobs_stalled"]) == (1, 0), found
    assert [worker["id"] for worker in found["workers"]] == [slow_id]
    assert found["jobs_running"] >= len(held)
    assert "stalled 0; workers alive 1" in shown, shown


def test_status_shows_a_beat_written_after_its_snapshot_began_as_no_silence_never_negative(
    tmp_path: Path, postgres_url: str
) -> None:
    env = worker_env(postgres_url, tmp_path / "data")
    migrate(postgres_url, tmp_path / "data")
    # A worker's heartbeat committed after the status read's transaction took its `now()`: seconds ahead of it.
    rows(
        postgres_url, "INSERT INTO procrastinate_workers (last_heartbeat) VALUES (now() + interval '3 s') RETURNING id"
    )

    [listed] = _status(env)["workers"]
    shown = run_cli("status", **env)

    assert listed["silent_s"] == 0.0, listed
    assert shown.returncode == 0 and "│ 0 s ago" in shown.stdout and "-0 s ago" not in shown.stdout, shown.stdout
