"""In production mode a failed run is run again through the queue: its new run has a start job, a worker runs it.

The run fails on a model whose server is down (a port nothing listens on, one attempt), advanced locally on
the same database. `rerun --failed` with CLAIMFLOW_EXECUTION=queue records the new run with its start job in one
transaction and advances nothing itself; the file sent again with `run --queue` finds the new run, with no second
job; a worker finishes it.
"""

from __future__ import annotations

import os
from pathlib import Path

import psycopg
import pytest

from tests.fakes.tcp_proxy import closed_port
from tests.integration._docs import invoice_text, json_lines, run_cli, write
from tests.postgres._workers import FINISHED, migrate, rows, spawn_worker, stop, wait_until, worker_env

pytestmark = pytest.mark.postgres

START_JOBS = (
    "SELECT args->>'run_id' AS run_id, queue_name FROM procrastinate_jobs WHERE task_name = 'claimflow.start_run'"
)


def test_a_failed_run_is_run_again_by_a_worker(tmp_path: Path, postgres_url: str) -> None:
    data = tmp_path / "data"
    migrate(postgres_url, data)
    docs = tmp_path / "docs"
    write(docs, "invoice.txt", invoice_text("NW-77"))
    down = ["--model", "openai:fake-model", "--base-url", f"http://127.0.0.1:{closed_port()}/v1"]
    local = worker_env(postgres_url, data, CLAIMFLOW_MODEL_MAX_ATTEMPTS="1", OPENAI_API_KEY="")
    [failed] = json_lines(run_cli("run", "--json", docs, *down, **local).stdout)
    assert failed["status"] == "failed" and "ModelUnavailableError" in failed["error"], failed

    queue = worker_env(postgres_url, data, CLAIMFLOW_EXECUTION="queue")
    rerun = run_cli("rerun", "--failed", "--model", "rules", "--json", **queue)

    assert rerun.returncode == 0, rerun.stderr
    [new] = json_lines(rerun.stdout)
    assert new["rerun_of"] == failed["run_id"] and new["status"] == "queued"  # advanced by nobody yet
    assert rows(postgres_url, START_JOBS) == [{"run_id": new["run_id"], "queue_name": "offline"}]
    runs = "SELECT run_id, status, error, lease_owner, model FROM claimflow_runs WHERE run_id = %s"
    [old] = rows(postgres_url, runs, failed["run_id"])
    assert old["status"] == "failed" and old["lease_owner"] is None
    assert old["error"].startswith(f"superseded: run again as {new['run_id']}"), old["error"]
    # The file sent again finds the new run, and gets no second job.
    [again] = json_lines(run_cli("run", "--queue", "--json", docs, **queue).stdout)
    assert (again["run_id"], again["new"]) == (new["run_id"], False)
    assert len(rows(postgres_url, START_JOBS)) == 1

    worker = spawn_worker(tmp_path / "worker.log", queue)
    try:
        wait_until(
            lambda: (
                rows(postgres_url, "SELECT status FROM claimflow_runs WHERE run_id = %s", new["run_id"])[0]["status"]
                in FINISHED
            ),
            60,
            "the worker to finish the new run",
        )
    finally:
        stop(worker)
    [done] = rows(postgres_url, runs, new["run_id"])
    assert (done["status"], done["model"], done["error"]) == ("completed", "rules", None)
    assert run_cli("rerun", failed["run_id"], **queue).returncode == 1  # not run again twice
    [status] = json_lines(run_cli("status", "--json", **queue).stdout)
    assert status["runs"] == {"completed": 1, "failed": 1} and status["run_again"] == 1


def test_runs_run_again_before_the_column_existed_are_found_from_their_events_on_postgres(
    tmp_path: Path, postgres_url: str
) -> None:
    data, docs = tmp_path / "data", tmp_path / "docs"
    write(docs, "invoice.txt", invoice_text("NW-78"))
    down = ["--model", "openai:fake-model", "--base-url", f"http://127.0.0.1:{closed_port()}/v1"]
    local = worker_env(postgres_url, data, CLAIMFLOW_MODEL_MAX_ATTEMPTS="1", OPENAI_API_KEY="")
    [failed] = json_lines(run_cli("run", "--json", docs, *down, **local).stdout)
    [new] = json_lines(run_cli("rerun", "--failed", "--model", "rules", "--json", **local).stdout)
    fifo = tmp_path / "superseded: run again as 0123abcd"
    os.mkfifo(fifo)
    [spoof] = json_lines(run_cli("run", "--json", fifo, **local).stdout)
    assert spoof["error"].startswith("superseded: run again as 0123abcd") and spoof["superseded_by"] is None
    # The database as an earlier version left it: no superseded_by column.
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute("ALTER TABLE claimflow_runs DROP COLUMN superseded_by")

    runs = {view["run_id"]: view for view in json_lines(run_cli("runs", "--json", **local).stdout)}

    assert runs[failed["run_id"]]["superseded_by"] == new["run_id"]  # its run.superseded event names the new run
    assert runs[spoof["run_id"]]["superseded_by"] is None  # its error reads the same, but no event says so
    assert json_lines(run_cli("rerun", "--failed", "--json", **local).stdout) == []


def test_a_queued_run_run_again_before_a_worker_took_it_is_not_logged_as_failed_by_the_worker(
    tmp_path: Path, postgres_url: str
) -> None:
    data = tmp_path / "data"
    migrate(postgres_url, data)
    docs = tmp_path / "docs"
    write(docs, "invoice.txt", invoice_text("NW-78"))
    queue = worker_env(postgres_url, data, CLAIMFLOW_EXECUTION="queue")
    [queued] = json_lines(run_cli("run", "--json", docs, **queue).stdout)
    rerun = run_cli("rerun", queued["run_id"], "--json", **queue)  # closes the old run before its job ran
    assert rerun.returncode == 0, rerun.stderr
    [new] = json_lines(rerun.stdout)
    log = tmp_path / "worker.log"
    worker = spawn_worker(log, queue)
    try:
        wait_until(
            lambda: len(rows(postgres_url, "SELECT id FROM procrastinate_jobs WHERE status = 'succeeded'")) >= 2,
            60,
            "the worker to take both start jobs",
        )
    finally:
        stop(worker)
    text = log.read_text()
    # An alert on run.failed must not fire for a run this worker never ran: rerun closed it.
    assert " run.failed " not in text and "runs_failed=0" in text, text
    [old_done] = [line for line in text.splitlines() if "job.done job=" in line and queued["run_id"] in line]
    assert "outcome=superseded" in old_done, text
    [new_done] = [line for line in text.splitlines() if " job.done " in line and new["run_id"] in line]
    assert "outcome=needs_review" in new_done or "outcome=completed" in new_done, text
