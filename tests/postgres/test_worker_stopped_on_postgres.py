"""How a worker stops, and what does not stop it.

Stopped with SIGTERM while a job outlasts its graceful timeout, it hands the job back: no run is stranded. A
database that refuses connections for a few seconds (a restart of Postgres) does not stop it. An error it does not
outlive (its database role may not use the queue's tables) stops it with one line and exit code 1.
"""

from __future__ import annotations

import json
import signal
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from psycopg import sql

from tests.fakes.openai_server import FakeModelServer, Reply, document_run_replies, error_reply
from tests.integration._docs import json_lines, run_cli
from tests.postgres._workers import (
    CONTRACT,
    FINISHED,
    START_JOBS,
    database_outage,
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


def _waits_for_a_worker(url: str) -> None:
    """The run of a job handed back is `queued` again, leased to nobody: no stopped worker shows as running it."""
    [run] = rows(url, "SELECT status, lease_owner, lease_until FROM claimflow_runs")
    assert run == {"status": "queued", "lease_owner": None, "lease_until": None}, run


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
    _waits_for_a_worker(postgres_url)  # cut off mid-step: it used to show `running`, leased to the stopped worker
    _another_worker_continues(tmp_path, postgres_url, env)
    _continued_not_started_again(postgres_url, run_id)


def _continued_not_started_again(url: str, run_id: str) -> None:
    """Queued again after its first steps, the run went on from its checkpoint: one start, one review."""
    started = rows(url, "SELECT count(*) AS n FROM claimflow_events WHERE type = 'run.started'")
    reviews = rows(url, "SELECT run_id FROM claimflow_events WHERE type = 'review.requested'")
    assert int(started[0]["n"]) == 1 and [row["run_id"] for row in reviews] == [run_id]


def _another_worker_continues(tmp_path: Path, postgres_url: str, env: dict[str, str]) -> None:
    """The run's start job was handed back, not aborted: a second worker takes it and brings the run to its review."""
    assert [job["status"] for job in rows(postgres_url, START_JOBS)] == ["todo"]
    second = spawn_worker(tmp_path / "second.log", env, "--queues", "llm.openai")
    try:
        wait_until(lambda: _run_status(postgres_url) in FINISHED, 60, "another worker to continue the run")
    finally:
        stop(second)
    assert _run_status(postgres_url) == "needs_review"
    assert [job["status"] for job in rows(postgres_url, START_JOBS)] == ["succeeded"]


@pytest.mark.parametrize("signal_sent", [signal.SIGINT, signal.SIGTERM])
def test_a_second_stop_signal_hands_the_job_back_at_once_and_another_worker_continues_it(
    tmp_path: Path, postgres_url: str, server: FakeModelServer, signal_sent: signal.Signals
) -> None:
    data = tmp_path / "data"
    migrate(postgres_url, data)
    model = ("--model", "openai:fake-model", "--base-url", server.base_url)
    # The first classify call hangs far past the second signal; the next worker's calls are answered at once.
    server.script(Reply(delay_s=120, status=500, body=error_reply(500).body), *document_run_replies())
    # A graceful timeout (the stall threshold) of two minutes: only the second signal can make the worker quick.
    env = worker_env(postgres_url, data, OPENAI_API_KEY="sk-test", CLAIMFLOW_WORKER_STALLED_S="120")
    queued = run_cli("run", "--queue", "--json", *model, CONTRACT, **env)
    assert queued.returncode == 0, queued.stderr
    log = tmp_path / "first.log"
    first = spawn_worker(log, env, "--queues", "llm.openai")
    try:
        wait_until(lambda: len(server.requests) >= 1, 60, "the first worker to call the model")
        first.send_signal(signal_sent)
        wait_until(lambda: "worker.stopping " in log.read_text(), 30, "the worker to say it stops")
        first.send_signal(signal_sent)
        code = first.wait(timeout=30)  # a Ctrl-C pressed again used to wait out the whole graceful timeout
    finally:
        stop(first)
    text = log.read_text()
    assert code == 0, text
    [now] = [line for line in text.splitlines() if " worker.stopping_now " in line]
    assert " WARNING " in now and f"signal={signal_sent.name}" in now and "in_hand=1" in now, text
    assert "job.handed_back" in text and "Traceback" not in text, text
    _waits_for_a_worker(postgres_url)
    status = run_cli("status", "--json", **env)
    assert status.returncode == 0, status.stderr
    shown = json.loads(status.stdout)
    assert shown["runs"].get("running", 0) == 0 and shown["runs"]["queued"] == 1, shown
    _another_worker_continues(tmp_path, postgres_url, env)
    _continued_not_started_again(postgres_url, json_lines(queued.stdout)[0]["run_id"])


def test_a_worker_outlives_a_database_outage_and_takes_the_next_job(
    tmp_path: Path, postgres_url: str, postgres_admin: psycopg.Connection[tuple[object, ...]]
) -> None:
    data = tmp_path / "data"
    migrate(postgres_url, data)
    env = worker_env(postgres_url, data)
    log = tmp_path / "worker.log"
    worker = spawn_worker(log, env)
    try:
        wait_until(lambda: rows(postgres_url, "SELECT id FROM procrastinate_workers"), 60, "the worker to start")
        database_outage(postgres_admin, postgres_url, 4)
        wait_until(lambda: "worker.restarting" in log.read_text(), 30, "the worker to say it starts again")
        queued = run_cli("run", "--queue", "--json", CONTRACT, **env)
        assert queued.returncode == 0, queued.stderr
        run_id = json_lines(queued.stdout)[0]["run_id"]
        # The bound says it resumes, with room for a loaded machine (60 s was missed once, for a reason not found).
        # After 4 s the worker is not between long restarts: its stop ends with a write that waits for the database,
        # so it says it starts again once the database is back, and waits 1 s. How soon it takes jobs after the
        # database's return is test_worker_long_outage_on_postgres's.
        wait_until(lambda: _run_status(postgres_url) in FINISHED, 120, f"the worker to advance {run_id}")
        assert worker.poll() is None, log.read_text()
    finally:
        stop(worker)
    assert worker.returncode == 0
    text = log.read_text()
    assert _run_status(postgres_url) == "needs_review", text
    [restarting, *_] = [line for line in text.splitlines() if " worker.restarting " in line]
    assert " WARNING " in restarting and "attempt=1 " in restarting and "database" in restarting, restarting
    assert "Traceback" not in text and "error connecting" not in text, text  # one line per event


def test_a_worker_whose_record_was_pruned_registers_again_and_takes_the_next_job(
    tmp_path: Path, postgres_url: str
) -> None:
    data = tmp_path / "data"
    migrate(postgres_url, data)
    env = worker_env(postgres_url, data)
    log = tmp_path / "worker.log"
    worker = spawn_worker(log, env)
    try:
        wait_until(lambda: rows(postgres_url, "SELECT id FROM procrastinate_workers"), 60, "the worker to start")
        # What another worker starting does to the record of one silent past the stall threshold (frozen by
        # code holding the GIL, say): it removes it, and the job the woken worker fetches next cannot name it.
        with psycopg.connect(postgres_url, autocommit=True) as conn:
            conn.execute("DELETE FROM procrastinate_workers")
        queued = run_cli("run", "--queue", "--json", CONTRACT, **env)
        assert queued.returncode == 0, queued.stderr
        wait_until(lambda: _run_status(postgres_url) in FINISHED, 60, "the worker to advance the run")
        assert worker.poll() is None, log.read_text()
    finally:
        stop(worker)
    assert worker.returncode == 0
    text = log.read_text()
    assert _run_status(postgres_url) == "needs_review", text
    assert "record was removed" in text and "Traceback" not in text.split("worker.restarting")[0], text


def test_a_worker_whose_role_may_not_use_the_queue_stops_with_one_line_and_exit_code_1(
    tmp_path: Path, postgres_url: str, postgres_admin: psycopg.Connection[tuple[object, ...]]
) -> None:
    data = tmp_path / "data"
    migrate(postgres_url, data)
    # A role that may use claimflow's tables but not procrastinate's record of workers: the engine opens, and
    # registering the worker is refused, every time; starting it again would only be refused again.
    role = f"claimflow_t_{uuid.uuid4().hex}"
    postgres_admin.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(role)))
    try:
        with psycopg.connect(postgres_url, autocommit=True) as owner:
            owner.execute(sql.SQL("GRANT ALL ON SCHEMA public TO {}").format(sql.Identifier(role)))
            for grant in ("ALL TABLES", "ALL SEQUENCES", "ALL FUNCTIONS"):
                owner.execute(sql.SQL(f"GRANT ALL ON {grant} IN SCHEMA public TO {{}}").format(sql.Identifier(role)))
            owner.execute(sql.SQL("REVOKE ALL ON procrastinate_workers FROM {}").format(sql.Identifier(role)))
        parts = urlsplit(postgres_url)
        as_role = urlunsplit(parts._replace(netloc=f"{role}@{parts.hostname}:{parts.port}"))
        log = tmp_path / "worker.log"
        worker = spawn_worker(log, worker_env(as_role, data))
        try:
            code = worker.wait(timeout=60)
        finally:
            stop(worker)
    finally:
        with psycopg.connect(postgres_url, autocommit=True) as owner:
            owner.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(role)))
        postgres_admin.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))
    text = log.read_text()
    assert code == 1, text
    [stopped] = [line for line in text.splitlines() if line.startswith("error:")]
    # procrastinate's vague "Database error." comes with its cause, which says what.
    assert stopped.startswith(
        "error: the worker stopped: ConnectorException: Database error.; caused by InsufficientPrivilege: "
        "permission denied for table procrastinate_workers"
    ), text
    assert "Traceback" not in text and "worker.restarting" not in text, text
