"""A worker killed with SIGKILL is dead at once to a judge on its host: `status` says its process has exited, and
the reaper of another worker hands its job back at its next tick, long before the stall threshold."""

from __future__ import annotations

import json
import signal
from pathlib import Path

import psycopg
import pytest

from tests.integration._docs import json_lines, run_cli, write
from tests.postgres._workers import UNWATCHED, migrate, rows, spawn_worker, stop, wait_until, worker_env

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

HOLDING_TYPE = """
import os
import time

from claimflow import Detection, DocumentType, Field


def detect(pages):
    while "HOLD" in "".join(pages) and os.path.exists(os.environ["HOLD_FLAG"]):  # a long job, in hand
        time.sleep(0.1)
    return Detection(score=0.0)


HELD = DocumentType(
    name="held_form",
    description="A form whose reading takes as long as the test says.",
    titles=["Held Form"],
    fields=[Field("form_number", "identifier", required=True, labels=["Form No"])],
    detector=detect,
)
"""

STALLED_S = "600"
"""The stall threshold of every process here: judged by silence, the killed worker would look alive for 10 minutes."""


def _doing(url: str) -> list[dict[str, object]]:
    return rows(
        url, "SELECT id, worker_id FROM procrastinate_jobs WHERE status = 'doing' AND queue_name <> 'maintenance'"
    )


def test_a_worker_killed_with_sigkill_is_gone_at_once_and_its_job_goes_back(tmp_path: Path, postgres_url: str) -> None:
    data = tmp_path / "data"
    migrate(postgres_url, data)
    types = write(tmp_path, "held_types.py", HOLDING_TYPE)
    flag = tmp_path / "hold"
    flag.touch()
    env = worker_env(
        postgres_url,
        data,
        CLAIMFLOW_TYPES=f"{types}:HELD",
        HOLD_FLAG=str(flag),
        CLAIMFLOW_WORKER_STALLED_S=STALLED_S,
        **UNWATCHED,
    )
    document = write(tmp_path / "in", "form.txt", "Held Form\nForm No: 77\nHOLD\n")
    queued = run_cli("run", "--queue", "--json", document, **env)
    assert queued.returncode == 0, queued.stderr
    [run_id] = (line["run_id"] for line in json_lines(queued.stdout))

    log = tmp_path / "workers.log"
    held = spawn_worker(log, env)
    reaper = None
    try:
        wait_until(lambda: bool(_doing(postgres_url)), 90, "the worker to take the job")
        [job] = _doing(postgres_url)
        [record] = rows(postgres_url, "SELECT pid FROM claimflow_workers WHERE worker_id = %s", job["worker_id"])
        assert record["pid"] == held.pid

        # Another worker, for maintenance alone: its reaper ticks every second, and takes no run job itself.
        reaper = spawn_worker(log, env, "--queues", "maintenance")
        wait_until(
            lambda: len(rows(postgres_url, "SELECT 1 FROM claimflow_workers")) == 2, 90, "the reaper's worker to start"
        )
        held.send_signal(signal.SIGKILL)
        held.wait(timeout=30)
        flag.unlink()

        # Its job goes back at the reaper's next tick (every second, FAST), nowhere near 600 s of silence.
        wait_until(
            lambda: (
                rows(postgres_url, "SELECT status FROM procrastinate_jobs WHERE id = %s", job["id"])[0]["status"]
                == "todo"
            ),
            60,
            "the killed worker's job to go back",
        )
        status = run_cli("status", "--json", **env)
        shown = run_cli("status", **env)
    finally:
        stop(held)
        if reaper is not None:
            stop(reaper)

    assert status.returncode == 0, status.stderr
    found = json.loads(status.stdout)
    said = f"gone (process {held.pid} on this host has exited)"
    assert [(w["id"], w["pid"], w["said"]) for w in found["workers_gone"]] == [(job["worker_id"], held.pid, said)]
    assert found["workers_alive"] == 1 and found["jobs_stalled"] == 0
    assert job["worker_id"] not in [w["id"] for w in found["workers"]]
    assert said in shown.stdout, shown.stdout
    [requeued] = rows(
        postgres_url, "SELECT data FROM claimflow_events WHERE run_id = %s AND type = 'run.requeued'", run_id
    )
    assert requeued["data"]["worker_id"] == job["worker_id"], requeued
    assert "jobs.requeued" in log.read_text()


def test_db_migrate_adds_the_process_mark_to_the_records_of_an_older_claimflow(
    tmp_path: Path, postgres_url: str
) -> None:
    data = tmp_path / "data"
    migrate(postgres_url, data)
    columns = (
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'claimflow_workers'"
        " AND column_name IN ('process_start', 'process_space') ORDER BY column_name"
    )
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute("ALTER TABLE claimflow_workers DROP COLUMN process_start, DROP COLUMN process_space")
    env = worker_env(postgres_url, data)

    before = run_cli("status", "--json", **env)  # workers judged by silence alone, as that claimflow judged them
    migrated = run_cli("db", "migrate", **env)
    again = run_cli("db", "migrate", **env)

    assert before.returncode == 0 and json.loads(before.stdout)["workers_gone"] == [], before.stderr
    assert migrated.returncode == 0 and "queue updated" in migrated.stdout, migrated.stdout + migrated.stderr
    assert "queue present" in again.stdout
    assert [row["column_name"] for row in rows(postgres_url, columns)] == ["process_space", "process_start"]
