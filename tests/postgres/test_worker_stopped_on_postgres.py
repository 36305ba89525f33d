"""A worker stopped with SIGTERM while a job outlasts its graceful timeout hands the job back: no run is stranded."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from tests.fakes.openai_server import FakeModelServer, Reply, document_run_replies, error_reply
from tests.integration._docs import json_lines, run_cli
from tests.postgres._workers import (
    CONTRACT,
    FINISHED,
    START_JOBS,
    migrate,
    rows,
    spawn_worker,
    stop,
    wait_until,
    worker_env,
)

pytestmark = pytest.mark.postgres


def _run_status(url: str) -> str:
    return str(rows(url, "SELECT status FROM claimflow_runs")[0]["status"])


def test_a_job_cut_off_by_the_graceful_timeout_is_continued_by_another_worker(
    tmp_path: Path, postgres_url: str, server: FakeModelServer
) -> None:
    data = tmp_path / "data"
    migrate(postgres_url, data)
    model = ("--model", "openai:fake-model", "--base-url", server.base_url)
    # The first classify call hangs far past the graceful timeout (the stall threshold, 3 s here); the next
    # worker's calls are answered at once.
    server.script(Reply(delay_s=30, status=500, body=error_reply(500).body), *document_run_replies())
    env = worker_env(postgres_url, data, OPENAI_API_KEY="sk-test")
    queued = run_cli("run", "--queue", "--json", *model, CONTRACT, **env)
    assert queued.returncode == 0, queued.stderr
    run_id = json_lines(queued.stdout)[0]["run_id"]
    first = spawn_worker(tmp_path / "first.log", env, "--queues", "llm.openai")
    try:
        wait_until(lambda: len(server.requests) >= 1, 60, "the first worker to call the model")
        first.send_signal(signal.SIGTERM)
        assert first.wait(timeout=30) == 0
    finally:
        stop(first)
    assert _run_status(postgres_url) == "running"  # cut off mid-step, as a crash would leave it
    assert [job["status"] for job in rows(postgres_url, START_JOBS)] == ["todo"]  # handed back, not aborted
    second = spawn_worker(tmp_path / "second.log", env, "--queues", "llm.openai")
    try:
        wait_until(lambda: _run_status(postgres_url) in FINISHED, 60, "another worker to continue the run")
    finally:
        stop(second)
    assert _run_status(postgres_url) == "needs_review"
    assert [job["status"] for job in rows(postgres_url, START_JOBS)] == ["succeeded"]
    started = rows(postgres_url, "SELECT count(*) AS n FROM claimflow_events WHERE type = 'run.started'")
    reviews = rows(postgres_url, "SELECT run_id FROM claimflow_events WHERE type = 'review.requested'")
    assert int(started[0]["n"]) == 1 and [row["run_id"] for row in reviews] == [run_id]
