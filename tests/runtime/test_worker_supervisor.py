"""The process `claimflow worker` watches its worker from: a child silent past the freeze threshold is killed and
replaced, one killed by a signal it did not send is started again after a wait, and the first child that exits
by itself ends it with its code. Children here are small scripts that beat (or not) as a worker's loop does."""

from __future__ import annotations

import logging
import os
import sys
import time
from pathlib import Path

import pytest

from claimflow.runtime.queue.logs import LOGGER
from claimflow.runtime.queue.supervisor import Supervisor, exit_code
from claimflow.runtime.settings import Settings, SettingsError

CHILD = """
import os, signal, sys, time
from pathlib import Path

fd = int(sys.argv[-1])  # after --beat-fd
starts = Path(sys.argv[1])
started = int(starts.read_text() or 0) + 1 if starts.exists() else 1
starts.write_text(str(started))
plan = sys.argv[2].split(",")[started - 1]
os.write(fd, b".")
if plan == "freeze":
    time.sleep(600)  # no beat from here on, as a loop blocked by code that holds the interpreter lock
elif plan.startswith("ending"):
    os.close(fd)  # its loop has ended: it exits after what is left (threads past their document's time)
    time.sleep(float(plan.split(":")[1]))
    sys.exit(5)
elif plan == "oom":
    os.kill(os.getpid(), signal.SIGKILL)  # as the kernel's OOM killer would
else:
    for _ in range(3):
        time.sleep(0.2)
        os.write(fd, b".")
    sys.exit(int(plan))
"""


def _supervisor(tmp_path: Path, plan: str, freeze_s: float = 2.0, **options: float) -> Supervisor:
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    return Supervisor([sys.executable, str(script), str(tmp_path / "starts"), plan], freeze_s, **options)


def _events(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.name == LOGGER]


def test_a_frozen_child_is_killed_and_replaced_and_the_next_childs_exit_code_is_the_commands(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, LOGGER)
    started = time.monotonic()
    assert _supervisor(tmp_path, "freeze,3").run() == 3
    assert 2 <= time.monotonic() - started < 15
    assert (tmp_path / "starts").read_text() == "2"
    [frozen] = _events(caplog)
    assert frozen.startswith("worker.frozen pid=") and 'note="killed; a new worker process takes its place"' in frozen
    pid = int(frozen.split("pid=")[1].split()[0])
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_a_child_whose_loop_has_ended_is_no_freeze_while_it_exits(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, LOGGER)
    # Silent 4 s after closing the pipe, twice the freeze threshold: it was exiting, not frozen.
    assert _supervisor(tmp_path, "ending:4,0").run() == 5
    assert (tmp_path / "starts").read_text() == "1"
    assert _events(caplog) == []


def test_a_child_that_does_not_exit_within_the_ending_time_is_killed_and_replaced(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, LOGGER)
    assert _supervisor(tmp_path, "ending:600,0", ending_s=3.0).run() == 0
    assert (tmp_path / "starts").read_text() == "2"
    [frozen] = _events(caplog)
    assert frozen.startswith("worker.frozen pid=") and "silent_s=3." in frozen


def test_a_child_killed_by_another_signal_is_started_again_after_a_wait(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, LOGGER)
    assert _supervisor(tmp_path, "oom,0").run() == 0
    assert (tmp_path / "starts").read_text() == "2"
    [died] = _events(caplog)
    assert died.startswith("worker.died pid=") and "signal=SIGKILL restart_in_s=1.000" in died, died


def test_a_child_that_exits_by_itself_is_not_started_again(tmp_path: Path) -> None:
    # A setup error (exit code 2) would fail the same way each time: the command ends with it.
    assert _supervisor(tmp_path, "2,0").run() == 2
    assert (tmp_path / "starts").read_text() == "1"


def test_a_child_ended_by_a_signal_exits_the_command_as_a_shell_tells_it() -> None:
    assert (exit_code(0), exit_code(2), exit_code(-15), exit_code(-9)) == (0, 2, 143, 137)


def test_the_freeze_threshold_comes_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for key in list(os.environ):
        if key.startswith("CLAIMFLOW_"):
            monkeypatch.delenv(key)
    assert Settings.load(data_dir=tmp_path).worker.freeze_s == 60.0
    for given, read in (("0", 0.0), ("2", 2.0), ("300", 300.0)):
        monkeypatch.setenv("CLAIMFLOW_WORKER_FREEZE_S", given)
        assert Settings.load(data_dir=tmp_path).worker.freeze_s == read
    for refused in ("1", "0.5", "-1", "soon"):
        monkeypatch.setenv("CLAIMFLOW_WORKER_FREEZE_S", refused)
        with pytest.raises(SettingsError, match="CLAIMFLOW_WORKER_FREEZE_S"):
            Settings.load(data_dir=tmp_path)
