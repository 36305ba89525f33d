"""A `claimflow worker` says what it does: jobs taken and done, failed runs, retries, reapings, its stop.

Run on a real Postgres queue, with the worker's own stderr read back: the lines an operator greps for are
there, and nothing of what the documents or a reviewer's edits say is.
"""

from __future__ import annotations

import io
import logging
import re
import signal
import time
from pathlib import Path

import psycopg
import pytest

from claimflow.runtime.queue.logs import log_to_stderr
from claimflow.runtime.queue.names import START_TASK
from tests.integration._docs import CORRUPT_PDF, json_lines, run_cli, write
from tests.postgres._workers import (
    CONTRACT,
    FAST,
    FINISHED,
    INVOICE,
    UNWATCHED,
    documents,
    migrate,
    rows,
    spawn_worker,
    stop,
    wait_until,
    worker_env,
)

pytestmark = pytest.mark.postgres

EDITED = "Marguerite Oyelaran-Fitzgerald"
"""A reviewer's edit: a person's name, carried by the resume job's arguments, never to be logged."""

DOCUMENT_WORDS = ("Bluefin", "Cedar Ridge", "Larimer", "Confidential Information")
"""Words of the contract's text."""


def _status(url: str, run_id: str) -> str:
    return str(rows(url, "SELECT status FROM claimflow_runs WHERE run_id = %s", run_id)[0]["status"])


def _lines(log: Path, event: str, **fields: object) -> list[str]:
    """The log's lines of `event` whose fields include these values."""
    found = []
    for line in log.read_text().splitlines():
        if f" {event} " not in f"{line} ":
            continue
        if all(re.search(rf"\b{key}={re.escape(str(value))}(\s|$)", line) for key, value in fields.items()):
            found.append(line)
    return found


def test_a_worker_logs_its_jobs_failures_retries_reapings_and_stop_and_no_document_text(
    tmp_path: Path, postgres_url: str
) -> None:
    data = tmp_path / "data"
    migrate(postgres_url, data)
    env = worker_env(postgres_url, data)
    broken = write(tmp_path / "in", "broken.pdf", CORRUPT_PDF)
    queued = run_cli("run", "--queue", "--json", CONTRACT, broken, INVOICE, **env)
    assert queued.returncode == 0, queued.stderr
    contract, failing, busy = (line["run_id"] for line in json_lines(queued.stdout))
    # A frozen worker's session holds the invoice run's lock: the worker must retry it, and say so.
    frozen = psycopg.connect(postgres_url, autocommit=True)
    frozen.execute("SELECT pg_advisory_lock(hashtextextended(%s, 0))", (f"claimflow-run:{busy}",))
    log = tmp_path / "worker.log"
    worker = spawn_worker(log, env)
    try:
        # Registered, the worker no longer removes the records of silent workers (it does so as it starts).
        wait_until(lambda: rows(postgres_url, "SELECT id FROM procrastinate_workers"), 60, "the worker to start")
        # A dead worker (silent for an hour) left a job `doing` on a queue this worker does not take.
        dead = rows(
            postgres_url,
            "INSERT INTO procrastinate_workers (last_heartbeat) VALUES (now() - interval '1 hour') RETURNING id",
        )[0]["id"]
        rows(
            postgres_url,
            "INSERT INTO procrastinate_jobs (queue_name, task_name, lock, args, status, worker_id)"
            " VALUES ('llm.openai', 'claimflow.start_run', 'r-dead', '{\"run_id\": \"r-dead\"}', 'doing', %s)"
            " RETURNING id",
            dead,
        )
        wait_until(lambda: _lines(log, "jobs.requeued", worker_id=dead), 30, "the reaper to put the job back")
        wait_until(lambda: _lines(log, "job.retry", run=busy), 60, "the worker to find the run locked")
        frozen.close()
        wait_until(lambda: _status(postgres_url, busy) in FINISHED, 60, "the retried run to finish")
        wait_until(lambda: _status(postgres_url, contract) == "needs_review", 60, "the contract's review")
        wait_until(lambda: _status(postgres_url, failing) == "failed", 60, "the broken PDF to fail")
        decided = run_cli(
            "review", "decide", contract, "--reviewer", "ann", "--set", f"jurisdiction={EDITED}",
            **worker_env(postgres_url, data, CLAIMFLOW_EXECUTION="queue"),
        )  # fmt: skip
        assert decided.returncode == 0, decided.stderr
        wait_until(lambda: _status(postgres_url, contract) in FINISHED, 60, "the worker to resume the contract")
        wait_until(lambda: _lines(log, "job.done", kind="resume"), 10, "the resume job's line")
        stop(worker)
        assert worker.returncode == 0
    finally:
        frozen.close()
        stop(worker)

    text = log.read_text()
    for run_id in (contract, failing, busy):
        assert _lines(log, "job.taken", kind="start", run=run_id), text
    assert _lines(log, "job.taken", kind="resume", run=contract), text
    [paused] = _lines(log, "job.done", kind="start", run=contract, outcome="needs_review")
    assert re.search(r"seconds=\d+\.\d{3}", paused) and " INFO " in paused
    assert _lines(log, "job.done", kind="resume", run=contract, outcome=_status(postgres_url, contract)), text
    assert _lines(log, "job.done", run=failing, outcome="failed"), text
    [failed] = _lines(log, "run.failed", run=failing, reason="document_unreadable")  # its route's rule
    assert " INFO " in failed
    [retry] = _lines(log, "job.retry", run=busy, attempt=1, retry_in_s=2)
    assert " WARNING " in retry and "advisory lock" in retry
    assert _lines(log, "job.taken", run=busy, attempt=2) and _lines(log, "job.done", run=busy), text
    [requeued] = _lines(log, "jobs.requeued", count=1, worker_id=dead)
    assert "runs=r-dead" in requeued and " INFO " in requeued
    assert 3600 <= _silent_s(requeued) < 3900, requeued  # since its last heartbeat, not the stall threshold
    [stopping] = _lines(log, "worker.stopping", signal="SIGTERM", in_hand=0)
    [stopped] = _lines(log, "worker.stopped", runs_failed=1, retries=1)
    assert text.index(stopping) < text.index(stopped)
    # Nothing the documents say, nor the reviewer's edit, nor a failed run's whole reason.
    error = str(rows(postgres_url, "SELECT error FROM claimflow_runs WHERE run_id = %s", failing)[0]["error"])
    assert error and error not in text
    for words in (EDITED, *DOCUMENT_WORDS):
        assert words not in text, words
    assert "Traceback" not in text


def test_procrastinates_errors_are_one_line_with_the_errors_type_and_message_and_no_traceback() -> None:
    stream = io.StringIO()
    levels = {name: logging.getLogger(name).level for name in ("claimflow", "procrastinate")}
    handler = log_to_stderr(stream)
    logger = logging.getLogger("procrastinate.worker.w1")
    try:
        try:
            try:
                raise psycopg.OperationalError("connection failed: server closed\nthe connection unexpectedly")
            except psycopg.OperationalError as error:
                raise RuntimeError("\n    Database error.\n    ") from error
        except RuntimeError as error:
            # As procrastinate logs a side task that failed: the exception, its traceback, a message of lines.
            logger.error("Side task listener failed with exception: %s, stopping worker", error, exc_info=error)
    finally:
        for name, level in levels.items():
            logging.getLogger(name).removeHandler(handler)
            logging.getLogger(name).setLevel(level)
    [line] = stream.getvalue().splitlines()
    said = "Side task listener failed with exception: Database error. , stopping worker"
    assert f" ERROR procrastinate.worker.w1: {said} (RuntimeError: " in line, line
    assert line.endswith(
        "(RuntimeError: Database error.; caused by OperationalError: connection failed: server closed the connection"
        " unexpectedly)"
    ), line


def _silent_s(line: str) -> float:
    found = re.search(r"\bsilent_s=(\d+\.\d+)(\s|$)", line)
    assert found, line
    return float(found.group(1))


def test_a_killed_workers_jobs_are_requeued_by_the_next_worker_with_its_id_and_how_long_it_was_silent(
    tmp_path: Path, postgres_url: str
) -> None:
    data = tmp_path / "data"
    migrate(postgres_url, data)
    env = worker_env(postgres_url, data)
    assert run_cli("run", "--queue", documents(tmp_path / "in", 40), **env).returncode == 0
    victim = spawn_worker(tmp_path / "victim.log", {**env, **UNWATCHED}, "--concurrency", "3")  # killed: a crash
    try:
        doing = "SELECT id, worker_id FROM procrastinate_jobs WHERE status = 'doing' AND task_name = %s"
        wait_until(lambda: rows(postgres_url, doing, START_TASK), 60, "the worker to take run jobs")
        victim.send_signal(signal.SIGKILL)
        victim.wait()
    finally:
        stop(victim)
    runs_in_hand = rows(postgres_url, doing, START_TASK)
    assert runs_in_hand, "the kill should catch jobs in progress"
    [victim_id] = {job["worker_id"] for job in runs_in_hand}
    # Its upkeep too: a reaper tick it had in hand is put back with its run jobs.
    in_hand = rows(
        postgres_url, "SELECT id FROM procrastinate_jobs WHERE status = 'doing' AND worker_id = %s", victim_id
    )
    # The worker is restarted once it counts as dead: the new one removes its record as it starts, and the
    # reaper used to find its jobs with no worker to name (`worker_id=unknown`) and the threshold for its silence.
    time.sleep(float(FAST["CLAIMFLOW_WORKER_STALLED_S"]) + 1)
    log = tmp_path / "restarted.log"
    restarted = spawn_worker(log, env, "--concurrency", "3")
    try:
        wait_until(lambda: _lines(log, "jobs.requeued"), 30, "the victim's jobs to be put back")
        settled = "SELECT id FROM procrastinate_jobs WHERE task_name = %s AND status IN ('todo', 'doing')"
        wait_until(lambda: not rows(postgres_url, settled, START_TASK), 90, "every run job to finish")
        # A job found `doing` with no worker on record (its record removed before its jobs were put back).
        rows(
            postgres_url,
            "INSERT INTO procrastinate_jobs (queue_name, task_name, lock, args, status)"
            " VALUES ('llm.openai', %s, 'r-orphan', '{\"run_id\": \"r-orphan\"}', 'doing') RETURNING id",
            START_TASK,
        )
        wait_until(lambda: _lines(log, "jobs.requeued", runs="r-orphan"), 30, "the reaper to put the orphan back")
    finally:
        stop(restarted)
    text = log.read_text()
    [requeued] = _lines(log, "jobs.requeued", count=len(in_hand), worker_id=victim_id)
    # Silent since its last heartbeat, before the kill: more than the wait above, far less than a minute.
    assert float(FAST["CLAIMFLOW_WORKER_STALLED_S"]) < _silent_s(requeued) < 60, requeued
    [orphan] = _lines(log, "jobs.requeued", count=1, runs="r-orphan", worker_id="removed")
    assert "silent_s=" not in orphan and "neither its id nor its last heartbeat" in orphan, orphan
    assert "unknown" not in text, text
