"""A document whose type's code holds the interpreter lock for good freezes the worker process advancing it:
`claimflow worker` kills that process once its event loop has been silent `CLAIMFLOW_WORKER_FREEZE_S`, starts
another, and the run fails after `CLAIMFLOW_WORKER_MAX_STALLS` stalls while the command itself lives on."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.integration._docs import invoice_text, json_lines, run_cli, write
from tests.postgres._workers import FINISHED, migrate, rows, spawn_worker, stop, wait_until, worker_env

pytestmark = pytest.mark.postgres

FREEZING_TYPE = """
import re

from claimflow import Detection, DocumentType, Field


def detect(pages):
    for line in "".join(pages).splitlines():
        if line.startswith("Check code: "):
            # Nested quantifiers on a long run of a's that ends in no match: Python's re backtracks about 2**40
            # times in C, holding the interpreter lock all along.
            re.match(r"(a+)+$", line.removeprefix("Check code: "))
    return Detection(score=0.0)


FREEZER = DocumentType(
    name="freeze_form",
    description="A form whose check code a careless pattern reads.",
    titles=["Freeze Form"],
    fields=[Field("form_number", "identifier", required=True, labels=["Form No"])],
    detector=detect,
)
"""

FREEZE_S = "3"


def _status(url: str, run_id: str) -> str:
    return str(rows(url, "SELECT status FROM claimflow_runs WHERE run_id = %s", run_id)[0]["status"])


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A child the command has not reaped yet is no process either: only its exit status is left.
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        return stat.read().rsplit(")", 1)[1].split()[0] != "Z"


def test_a_worker_frozen_by_a_types_code_is_killed_and_replaced_until_the_run_fails_and_the_command_lives_on(
    tmp_path: Path, postgres_url: str
) -> None:
    data = tmp_path / "data"
    migrate(postgres_url, data)
    types = write(tmp_path, "freeze_types.py", FREEZING_TYPE)
    env = worker_env(
        postgres_url,
        data,
        CLAIMFLOW_TYPES=f"{types}:FREEZER",
        CLAIMFLOW_WORKER_MAX_STALLS="2",
        CLAIMFLOW_WORKER_FREEZE_S=FREEZE_S,
    )
    poison = write(tmp_path / "in", "frozen.txt", f"Freeze Form\nForm No: 77\nCheck code: {'a' * 40}b\n")
    sound = write(tmp_path / "in", "invoice.txt", invoice_text())
    # Queued behind the frozen run: one job at a time, so it waits for a worker the frozen run does not hold.
    queued = run_cli("run", "--queue", "--json", poison, sound, **env)
    assert queued.returncode == 0, queued.stderr
    by_name = {Path(line["document"]).name: line["run_id"] for line in json_lines(queued.stdout)}
    frozen, invoice = by_name["frozen.txt"], by_name["invoice.txt"]

    log = tmp_path / "worker.log"
    command = spawn_worker(log, env)
    try:
        # Without the watch, the first worker process stays frozen (for days: 2**40 steps) and the run unfinished.
        wait_until(lambda: _status(postgres_url, frozen) == "failed", 60, "the frozen run to fail")
        wait_until(lambda: _status(postgres_url, invoice) in FINISHED, 30, "the sound document to finish")
        assert _status(postgres_url, invoice) == "completed", log.read_text()
        # The command lived through it all, and is no worker itself: the worker alive is its third child.
        assert command.poll() is None, log.read_text()
        [live] = rows(postgres_url, "SELECT pid FROM claimflow_workers")
        assert live["pid"] != command.pid and _alive(live["pid"])
    finally:
        stop(command)
    assert command.returncode == 0, log.read_text()

    text = log.read_text()
    frozen_lines = [line for line in text.splitlines() if " worker.frozen " in line]
    assert len(frozen_lines) == 2, text
    for line in frozen_lines:
        assert 'note="killed; a new worker process takes its place"' in line, line
        silent = float(re.search(r" silent_s=([\d.]+)", line)[1])  # type: ignore[index]
        assert float(FREEZE_S) <= silent < float(FREEZE_S) + 2, line
    killed = [int(re.search(r" pid=(\d+)", line)[1]) for line in frozen_lines]  # type: ignore[index]
    assert len(set(killed)) == 2 and command.pid not in killed
    assert not any(_alive(pid) for pid in killed)
    assert text.count("worker.started ") == 3, text  # two frozen, one that failed the run and went on
    assert f"run.failed run={frozen} reason=stalled_workers" in text, text
    assert "aaaa" not in text

    error = rows(postgres_url, "SELECT error FROM claimflow_runs WHERE run_id = %s", frozen)[0]["error"]
    assert str(error).startswith(
        "its job was put back 2 times, each time after the worker advancing it exited or went silent"
    )
    requeued = rows(
        postgres_url,
        "SELECT data FROM claimflow_events WHERE run_id = %s AND type = 'run.requeued' ORDER BY seq",
        frozen,
    )
    assert len(requeued) == 2 and len({row["data"]["job_id"] for row in requeued}) == 1, requeued
