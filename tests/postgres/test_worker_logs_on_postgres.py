"""A `claimflow worker` says what it does: jobs taken and done, failed runs, retries, reapings, its stop.

Run on a real Postgres queue, with the worker's own stderr read back: the lines an operator greps for are
there, and nothing of what the documents or a reviewer's edits say is.
"""

from __future__ import annotations

import io
import logging
import re
from pathlib import Path

import psycopg
import pytest

from claimflow.runtime.queue.logs import log_to_stderr
from tests.integration._docs import CORRUPT_PDF, json_lines, run_cli, write
from tests.postgres._workers import (
    CONTRACT,
    FINISHED,
    INVOICE,
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
