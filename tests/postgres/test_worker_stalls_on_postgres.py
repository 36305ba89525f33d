"""A document that kills every worker advancing it fails its run after `CLAIMFLOW_WORKER_MAX_STALLS` stalls, rather
than go round the workers for good; the run's trace and `explain` say each time its job went back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.integration._docs import invoice_text, json_lines, run_cli, write
from tests.integration._forked import ForkedProcess
from tests.postgres._workers import FINISHED, UNWATCHED, migrate, rows, spawn_worker, stop, wait_until, worker_env

pytestmark = pytest.mark.postgres

KILLING_TYPE = """
import os
import signal

from claimflow import Detection, DocumentType, Field


def detect(pages):
    if "KILL THE WORKER" in "".join(pages):  # as a parser's C code crashing on a malformed file would
        os.kill(os.getpid(), signal.SIGKILL)
    return Detection(score=0.0)


CRASHER = DocumentType(
    name="crash_form",
    description="A form whose reading brings the process down.",
    titles=["Crash Form"],
    fields=[Field("form_number", "identifier", required=True, labels=["Form No"])],
    detector=detect,
)
"""


def _status(url: str, run_id: str) -> str:
    return str(rows(url, "SELECT status FROM claimflow_runs WHERE run_id = %s", run_id)[0]["status"])


def _requeued(url: str, run_id: str) -> list[dict[str, object]]:
    found = rows(
        url, "SELECT data FROM claimflow_events WHERE run_id = %s AND type = 'run.requeued' ORDER BY seq", run_id
    )
    return [row["data"] for row in found]


def test_a_document_that_kills_each_worker_fails_after_the_stall_limit_and_the_next_worker_lives(
    tmp_path: Path, postgres_url: str
) -> None:
    data = tmp_path / "data"
    migrate(postgres_url, data)
    types = write(tmp_path, "crash_types.py", KILLING_TYPE)
    # Each worker the process that dies (unwatched: `claimflow worker` would start the next itself).
    env = worker_env(
        postgres_url, data, CLAIMFLOW_TYPES=f"{types}:CRASHER", CLAIMFLOW_WORKER_MAX_STALLS="2", **UNWATCHED
    )
    poison = write(tmp_path / "in", "poison.txt", "Crash Form\nForm No: 77\nKILL THE WORKER\n")
    queued = run_cli("run", "--queue", "--json", poison, **env)
    assert queued.returncode == 0, queued.stderr
    [poisoned] = (line["run_id"] for line in json_lines(queued.stdout))

    # Workers restarted as a supervisor would: each new one takes the job the last one died running.
    deaths = 0
    survivor: ForkedProcess | None = None
    log = tmp_path / "workers.log"
    try:
        while survivor is None:
            assert deaths <= 2, f"{deaths} workers died on one document: the stall limit of 2 did not stop it"
            worker = spawn_worker(log, env)
            wait_until(
                lambda: worker.poll() is not None or _status(postgres_url, poisoned) == "failed",  # noqa: B023
                90,
                "the worker to die on the document, or the run to fail",
            )
            if worker.poll() is None:
                survivor = worker
            else:
                assert worker.returncode == -9, log.read_text()
                deaths += 1
        # The worker that failed the run goes on working: a sound document behind it completes.
        sound = write(tmp_path / "more", "invoice.txt", invoice_text())
        more = run_cli("run", "--queue", "--json", sound, **env)
        assert more.returncode == 0, more.stderr
        [invoice] = (line["run_id"] for line in json_lines(more.stdout))
        wait_until(lambda: _status(postgres_url, invoice) in FINISHED, 60, "the sound document to finish")
        assert _status(postgres_url, invoice) == "completed"
        assert survivor.poll() is None
    finally:
        if survivor is not None:
            stop(survivor)

    assert deaths == 2
    error = rows(postgres_url, "SELECT error FROM claimflow_runs WHERE run_id = %s", poisoned)[0]["error"]
    assert str(error).startswith(
        "its job was put back 2 times, each time after the worker advancing it exited or went silent"
    )
    assert "CLAIMFLOW_WORKER_MAX_STALLS=2" in str(error) and "claimflow rerun" in str(error)
    requeued = _requeued(postgres_url, poisoned)
    assert len(requeued) == 2
    assert len({item["job_id"] for item in requeued}) == 1  # one job, put back twice
    assert all(item["task"] == "claimflow.start_run" for item in requeued)
    # Each worker died on this host: seen exited, its job put back without waiting out its silence.
    assert all(item["exited"] is True and isinstance(item["silent_s"], float) for item in requeued), requeued
    text = log.read_text()
    assert f"run.failed run={poisoned} reason=stalled_workers" in text, text
    assert "KILL THE WORKER" not in text

    explained = run_cli("explain", poisoned, **env)
    assert explained.returncode == 0, explained.stderr
    put_back = [line for line in explained.stdout.splitlines() if line.startswith("job ")]
    assert len(put_back) == 2, explained.stdout
    assert all(" exited (its process gone from its host) advancing it, silent " in line for line in put_back), put_back
    traced = run_cli("trace", poisoned, "--json", **env)
    types = [json.loads(line)["type"] for line in traced.stdout.splitlines() if line.strip()]
    assert types.count("run.requeued") == 2 and types[-1] == "run.failed", types


def test_a_worker_killed_once_does_not_fail_the_run_it_held(tmp_path: Path, postgres_url: str) -> None:
    """One stall is a deploy or a lost node, not the document: the job runs again and the run completes."""
    data = tmp_path / "data"
    migrate(postgres_url, data)
    types = write(
        tmp_path,
        "crash_types.py",
        KILLING_TYPE.replace(
            '"KILL THE WORKER" in', 'os.path.exists(os.environ["KILL_ONCE"]) and "KILL THE WORKER" in'
        ),
    )
    flag = tmp_path / "kill-once"
    flag.touch()
    env = worker_env(postgres_url, data, CLAIMFLOW_TYPES=f"{types}:CRASHER", KILL_ONCE=str(flag), **UNWATCHED)
    document = write(tmp_path / "in", "form.txt", "Crash Form\nForm No: 77\nKILL THE WORKER\n")
    queued = run_cli("run", "--queue", "--json", document, **env)
    assert queued.returncode == 0, queued.stderr
    [run_id] = (line["run_id"] for line in json_lines(queued.stdout))
    log = tmp_path / "workers.log"
    first = spawn_worker(log, env)
    first.wait(timeout=90)
    assert first.returncode == -9, log.read_text()
    flag.unlink()  # the cause is gone: the next worker reads the document through
    second = spawn_worker(log, env)
    try:
        wait_until(lambda: _status(postgres_url, run_id) in FINISHED, 90, "the run to finish on the next worker")
    finally:
        stop(second)
    assert _status(postgres_url, run_id) != "failed", log.read_text()
    assert len(_requeued(postgres_url, run_id)) == 1
