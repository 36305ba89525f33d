"""`claimflow worker` runs the worker proper in a child process it watches: stop signals reach the child once,
the command exits with the child's code, a child that cannot start is not started again, and the watching
process imports nothing of the engine, LangGraph, procrastinate or a model client."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.integration._docs import cli_env, json_lines, run_cli, write
from tests.postgres._workers import FINISHED, migrate, rows, stop, wait_until, worker_env

pytestmark = pytest.mark.postgres

SLOW_TYPE = """
import time

from claimflow import Detection, DocumentType, Field


def detect(pages):
    if "Slow Form" in "".join(pages):
        time.sleep(1.5)  # a job still in hand when the stop signal comes
    return Detection(score=0.0)


SLOW = DocumentType(
    name="slow_form",
    description="A form that takes a while to read.",
    titles=["Slow Form"],
    fields=[Field("form_number", "identifier", required=True, labels=["Form No"])],
    detector=detect,
)
"""

HEAVY = (
    "langgraph",
    "openai",
    "anthropic",
    "procrastinate",
    "claimflow.runtime.engine",
    "claimflow.runtime.queue.worker",
)
"""What the watching process must not import: the worker's weight, and what could freeze it."""


def _watched(log: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    """`claimflow worker` with `-X importtime`: this process's imports on stderr (its child's are not told)."""
    with log.open("a") as out:
        return subprocess.Popen(
            [sys.executable, "-X", "importtime", "-m", "claimflow.runtime.cli", "worker"],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=cli_env(**env),
            text=True,
        )


def _imported(text: str) -> set[str]:
    """The modules an `-X importtime` report names."""
    return {line.rsplit("|", 1)[1].strip() for line in text.splitlines() if line.startswith("import time:")}


def test_sigterm_to_the_command_stops_its_worker_after_the_job_in_hand_and_the_command_exits_with_its_code(
    tmp_path: Path, postgres_url: str
) -> None:
    data = tmp_path / "data"
    migrate(postgres_url, data)
    types = write(tmp_path, "slow_types.py", SLOW_TYPE)
    env = worker_env(postgres_url, data, CLAIMFLOW_TYPES=f"{types}:SLOW", CLAIMFLOW_WORKER_FREEZE_S="5")
    document = write(tmp_path / "in", "slow.txt", "Slow Form\nForm No: 77\n")
    queued = run_cli("run", "--queue", "--json", document, **env)
    assert queued.returncode == 0, queued.stderr
    [run_id] = (line["run_id"] for line in json_lines(queued.stdout))

    log = tmp_path / "worker.log"
    command = _watched(log, env)
    try:
        wait_until(lambda: "job.taken " in log.read_text(), 60, "the worker to take the job")
        [child] = rows(postgres_url, "SELECT pid FROM claimflow_workers")
        assert child["pid"] != command.pid
        command.send_signal(signal.SIGTERM)
        assert command.wait(timeout=30) == 0, log.read_text()
    finally:
        stop(command)

    text = log.read_text()
    # Once: the child heard the signal from the command alone, and finished the job in hand before it stopped.
    assert text.count("worker.stopping ") == 1 and "worker.stopping_now" not in text, text
    assert "signal=SIGTERM in_hand=1" in text, text
    assert text.index("worker.stopping ") < text.index("job.done ") < text.index("worker.stopped "), text
    assert rows(postgres_url, "SELECT status FROM claimflow_runs WHERE run_id = %s", run_id)[0]["status"] in FINISHED
    assert rows(postgres_url, "SELECT pid FROM claimflow_workers") == []  # it removed its record, stopping
    with pytest.raises(ProcessLookupError):
        os.kill(child["pid"], 0)
    assert "worker.frozen" not in text and "worker.died" not in text, text

    imported = _imported(text)
    assert "claimflow.runtime.queue.supervisor" in imported  # the report is this process's: it watched
    heavy = sorted(name for name in imported if any(name == top or name.startswith(f"{top}.") for top in HEAVY))
    assert heavy == [], heavy


def test_a_worker_that_cannot_start_is_not_started_again_and_the_command_exits_with_its_code(
    tmp_path: Path, postgres_url: str
) -> None:
    # No `db migrate`: the worker refuses to start (exit code 2), a setup error no restart would mend.
    done = run_cli("worker", timeout=60, **worker_env(postgres_url, tmp_path / "data", CLAIMFLOW_WORKER_FREEZE_S="5"))
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("claimflow db migrate") == 1, done.stderr
    assert "worker.started" not in done.stderr and "worker.died" not in done.stderr, done.stderr
