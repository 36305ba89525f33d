"""A worker that loses its database while advancing a run is alive, not stalled: the run is not blamed for it.

Cut off past its graceful time, the worker could write neither its job's hand-back nor its stop, and registered
anew once the database was back. Its job, still `doing` under its old id, was then put back as a silent worker's
(`run.requeued`), and each such outage counted toward `CLAIMFLOW_WORKER_MAX_STALLS`: a long document failed
`stalled_workers` after two or three outages, blamed for killing workers that were never killed.
"""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from tests.fakes.openai_server import FakeModelServer, Reply, document_run_replies, error_reply
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


def _run(url: str, run_id: str) -> dict[str, object]:
    return rows(url, "SELECT status, error FROM claimflow_runs WHERE run_id = %s", run_id)[0]


def test_a_job_cut_off_by_a_database_outage_goes_back_without_counting_as_a_stall(
    tmp_path: Path, postgres_url: str, postgres_admin: psycopg.Connection[tuple[object, ...]], server: FakeModelServer
) -> None:
    data = tmp_path / "data"
    migrate(postgres_url, data)
    model = ("--model", "openai:fake-model", "--base-url", server.base_url)
    # The first classify call hangs through the outage; once the worker is back, its calls are answered at once.
    server.script(Reply(delay_s=60, status=500, body=error_reply(500).body), *document_run_replies())
    # One stall fails a run: the outage must not be one. Writes wait 2 s for a session, so the cut-off worker
    # gives up its writes and restarts within the outage.
    env = worker_env(
        postgres_url, data, OPENAI_API_KEY="sk-test", CLAIMFLOW_WORKER_MAX_STALLS="1", CLAIMFLOW_POSTGRES_WAIT_S="2"
    )
    queued = run_cli("run", "--queue", "--json", *model, CONTRACT, **env)
    assert queued.returncode == 0, queued.stderr
    run_id = json_lines(queued.stdout)[0]["run_id"]
    log = tmp_path / "worker.log"
    worker = spawn_worker(log, env, "--queues", "llm.openai", "--queues", "maintenance")
    try:
        wait_until(lambda: len(server.requests) >= 1, 60, "the worker to call the model")
        [before] = [int(row["id"]) for row in rows(postgres_url, "SELECT id FROM procrastinate_workers")]
        # Past the graceful time (3 s), the stall threshold (3 s) and a restart or two, as the review's 45 s were.
        database_outage(postgres_admin, postgres_url, 12.0)
        wait_until(lambda: str(_run(postgres_url, run_id)["status"]) in FINISHED, 120, "the run to finish")
        assert worker.poll() is None, log.read_text()
    finally:
        stop(worker)
    text = log.read_text()
    run = _run(postgres_url, run_id)
    assert run["status"] == "needs_review", (run, text)
    assert " worker.restarting " in text, text
    [handed] = [line for line in text.splitlines() if " jobs.handed_back " in line]
    assert f"worker_id={before} " in handed and f"runs={run_id}" in handed, text
    requeued = rows(postgres_url, "SELECT data FROM claimflow_events WHERE type = 'run.requeued'")
    assert requeued == [], requeued
    assert "jobs.requeued" not in text and "stalled_workers" not in text, text
