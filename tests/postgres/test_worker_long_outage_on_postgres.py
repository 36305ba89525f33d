"""A worker takes jobs again within seconds of its database's return, however long the database was gone.

Its pools try the database again every few seconds (`runtime.reconnect`). With psycopg_pool's own schedule, a wait
doubling from 1 s, the attempts of a pool that lost its database came 31 s, 63 s, 127 s ... after the loss: after an
outage of 36 s the worker found its database back only about 21 to 33 s later, and took no job meanwhile.
"""

from __future__ import annotations

import time
from pathlib import Path

import psycopg
import pytest

from tests.integration._docs import json_lines, run_cli
from tests.postgres._workers import (
    CONTRACT,
    FINISHED,
    database_outage,
    migrate,
    rows,
    spawn_worker,
    stop,
    wait_until,
    worker_env,
)

pytestmark = pytest.mark.postgres

OUTAGE_S = 36.0
"""Just past psycopg_pool's attempt at 31 s (34.1 s at most, jittered); its next came at 56.7 s at the earliest."""

RESUMED_WITHIN_S = 15.0
"""How soon after the database's return the worker is registered anew: a wait of 5 s at most, then a few queries."""


def _worker_ids(url: str) -> set[int]:
    return {int(row["id"]) for row in rows(url, "SELECT id FROM procrastinate_workers")}


def test_a_worker_takes_jobs_again_within_seconds_of_the_database_back_after_a_long_outage(
    tmp_path: Path, postgres_url: str, postgres_admin: psycopg.Connection[tuple[object, ...]]
) -> None:
    data = tmp_path / "data"
    migrate(postgres_url, data)
    env = worker_env(postgres_url, data)
    log = tmp_path / "worker.log"
    worker = spawn_worker(log, env)
    try:
        wait_until(lambda: _worker_ids(postgres_url), 60, "the worker to start")
        before = _worker_ids(postgres_url)
        database_outage(postgres_admin, postgres_url, OUTAGE_S)
        back = time.monotonic()
        # Registered anew, procrastinate's worker fetches the next job at once: it takes jobs again.
        wait_until(lambda: _worker_ids(postgres_url) - before, 120, "the worker to register again")
        resumed_s = time.monotonic() - back
        queued = run_cli("run", "--queue", "--json", CONTRACT, **env)
        assert queued.returncode == 0, queued.stderr
        run_id = json_lines(queued.stdout)[0]["run_id"]
        wait_until(
            lambda: rows(postgres_url, "SELECT status FROM claimflow_runs")[0]["status"] in FINISHED,
            60,
            f"the worker to advance {run_id}",
        )
        assert worker.poll() is None, log.read_text()
    finally:
        stop(worker)
    text = log.read_text()
    assert resumed_s < RESUMED_WITHIN_S, f"registered again {resumed_s:.1f} s after the database was back\n{text}"
    assert "Traceback" not in text and "error connecting" not in text, text
