"""/metrics in production mode: the queue's gauges, as `claimflow status` reads them, on a real Postgres.

An operator alerts on `claimflow_workers_alive == 0`: the gauge must be 0 with no worker, 1 while one heartbeats,
and 0 again once that worker is killed and its heartbeat ages past CLAIMFLOW_WORKER_STALLED_S.
"""

from __future__ import annotations

import asyncio
import signal
import time
from pathlib import Path

import psycopg
import pytest

from claimflow.runtime.settings import Settings, WorkerTiming
from tests.integration._docs import invoice_text, json_lines, run_cli
from tests.postgres._workers import migrate, rows, spawn_worker, stop, worker_env
from tests.service._api import Api, serving

pytestmark = pytest.mark.postgres

FAST = WorkerTiming(heartbeat_s=0.5, stalled_s=3, reaper_every_s=1)
"""The timings `worker_env` gives the worker processes (`FAST`), for the server to count with."""


def _samples(text: str) -> dict[str, float]:
    return {
        name: float(value)
        for name, value in (line.rsplit(" ", 1) for line in text.splitlines() if line and not line.startswith("#"))
    }


async def _scrape(api: Api, who: str = "admin") -> dict[str, float]:
    answer = await api.client.get("/metrics", headers=api.auth(who))
    assert answer.status_code == 200, answer.text
    return _samples(answer.text)


async def _until(api: Api, metric: str, value: float, timeout: float) -> dict[str, float]:
    deadline = time.monotonic() + timeout
    while (samples := await _scrape(api)).get(metric) != value:
        assert time.monotonic() < deadline, f"{metric} did not become {value} within {timeout} s: {samples}"
        await asyncio.sleep(0.1)
    return samples


async def test_the_queue_gauges_follow_jobs_and_workers_and_show_only_in_production_mode(
    postgres_url: str, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    migrate(postgres_url, data)
    async with serving(Settings(data_dir=data, database_url=postgres_url), tokens=False) as local:
        await local.token("ops", "admin")
        scraped = await _scrape(local, "ops")
        assert not any(name.startswith(("claimflow_queue", "claimflow_workers")) for name in scraped), scraped

    settings = Settings(data_dir=data, database_url=postgres_url, execution="queue", worker=FAST)
    async with serving(settings) as api:
        empty = await _scrape(api)
        assert empty["claimflow_workers_alive"] == 0 and empty["claimflow_queue_jobs_stalled"] == 0
        assert {name: value for name, value in empty.items() if name.startswith("claimflow_queue_jobs{")} == {
            f'claimflow_queue_jobs{{queue="{queue}",state="{state}"}}': 0
            for queue in ("llm.anthropic", "llm.openai", "maintenance", "offline")
            for state in ("running", "waiting")
        }

        assert (await api.upload("invoice.txt", invoice_text())).status_code == 201
        # A worker that died an hour ago with a job in hand: the job is running, and stalled.
        dead = rows(
            postgres_url,
            "INSERT INTO procrastinate_workers (last_heartbeat) VALUES (now() - interval '1 hour') RETURNING id",
        )[0]["id"]
        rows(
            postgres_url,
            "INSERT INTO procrastinate_jobs (queue_name, task_name, args, status, worker_id)"
            " VALUES ('llm.openai', 'claimflow.start_run', '{}', 'doing', %s) RETURNING id",
            dead,
        )
        queued = await _scrape(api)
        assert queued['claimflow_queue_jobs{queue="offline",state="waiting"}'] == 1
        assert queued['claimflow_queue_jobs{queue="llm.openai",state="running"}'] == 1
        assert queued["claimflow_queue_jobs_stalled"] == 1
        assert queued["claimflow_workers_alive"] == 0, "a silent worker is not alive: the alert fires"

        worker = spawn_worker(tmp_path / "worker.log", worker_env(postgres_url, data))
        try:
            alive = await _until(api, "claimflow_workers_alive", 1, 60)
            assert alive["claimflow_workers_alive"] == 1, "one heartbeat: the alert resolves"
            drained = await _until(api, 'claimflow_queue_jobs{queue="offline",state="waiting"}', 0, 60)
            # The reaper (every second here) put the dead worker's job back: waiting now, no longer stalled.
            reaped = await _until(api, "claimflow_queue_jobs_stalled", 0, 30)
            assert reaped['claimflow_queue_jobs{queue="llm.openai",state="waiting"}'] == 1
            assert drained['claimflow_queue_jobs{queue="offline",state="running"}'] in (0, 1)
            worker.send_signal(signal.SIGKILL)
            worker.wait()
            # Killed, it never says goodbye: its heartbeat ages past the stall threshold (3 s here).
            gone = await _until(api, "claimflow_workers_alive", 0, 30)
            assert gone["claimflow_workers_alive"] == 0
        finally:
            stop(worker)


def _worker(url: str, silent_s: float, recorded_stalled_s: float | None) -> int:
    """A worker row silent `silent_s` seconds, with its record if it has one, and a job `doing` for it; its id."""
    [listed] = rows(
        url,
        "INSERT INTO procrastinate_workers (last_heartbeat) VALUES (now() - make_interval(secs => %s)) RETURNING id",
        silent_s,
    )
    if recorded_stalled_s is not None:
        rows(
            url,
            "INSERT INTO claimflow_workers (worker_id, queues, workflow_version, heartbeat_s, stalled_s, host, pid)"
            " VALUES (%s, ARRAY['offline'], 'v', 10, %s, 'elsewhere', 1) RETURNING worker_id",
            listed["id"],
            recorded_stalled_s,
        )
    rows(
        url,
        "INSERT INTO procrastinate_jobs (queue_name, task_name, args, status, worker_id)"
        " VALUES ('offline', 'claimflow.start_run', '{}', 'doing', %s) RETURNING id",
        listed["id"],
    )
    return int(listed["id"])


async def test_the_gauges_and_status_give_a_worker_its_own_longer_threshold(postgres_url: str, tmp_path: Path) -> None:
    data = tmp_path / "data"
    migrate(postgres_url, data)
    # Judged with 3 s: one silent 10 s that recorded 60 s is alive, its job not stalled; one silent past its 60 s
    # is not, nor one silent 10 s with no record (an older claimflow's), judged by the 3 s alone.
    patient = _worker(postgres_url, 10, 60)
    _worker(postgres_url, 120, 60)
    _worker(postgres_url, 10, None)
    settings = Settings(data_dir=data, database_url=postgres_url, execution="queue", worker=FAST)
    async with serving(settings) as api:
        scraped = await _scrape(api)
        status = run_cli("status", "--json", **worker_env(postgres_url, data))
        with psycopg.connect(postgres_url, autocommit=True) as conn:
            conn.execute("DROP TABLE claimflow_workers")  # as a queue an older claimflow made: no records
        unrecorded = await _scrape(api)

    assert (scraped["claimflow_workers_alive"], scraped["claimflow_queue_jobs_stalled"]) == (1, 2)
    assert status.returncode == 0, status.stderr
    [found] = json_lines(status.stdout)
    assert (found["workers_alive"], found["jobs_stalled"]) == (1, 2)
    assert [worker["id"] for worker in found["workers"]] == [patient]
    assert (unrecorded["claimflow_workers_alive"], unrecorded["claimflow_queue_jobs_stalled"]) == (0, 3)
