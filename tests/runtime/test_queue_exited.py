"""A worker's process judged on its own host: running, exited (a zombie too), or another process with its pid."""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from claimflow.runtime.queue import exited
from claimflow.runtime.queue.exited import ProcessMark, has_exited, process_start, this_process


def _mark(process: subprocess.Popen[bytes], here: ProcessMark) -> ProcessMark:
    return ProcessMark(here.host, process.pid, process_start(process.pid), here.space)


def test_a_process_killed_is_gone_even_before_its_parent_reaps_it() -> None:
    here = this_process()
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        recorded = _mark(child, here)
        assert recorded.start is not None and not has_exited(recorded, here)
        child.send_signal(signal.SIGKILL)
        stat = Path(f"/proc/{child.pid}/stat")
        while (state := stat.read_text().rsplit(")", 1)[1].split()[0]) != "Z":
            assert state in "RSD", state
        assert has_exited(recorded, here)  # a zombie, not yet waited for
    finally:
        child.kill()
        child.wait()
    assert has_exited(recorded, here)


def test_another_process_with_the_recorded_pid_or_another_host_or_pid_space_is_not_judged_alive_or_dead() -> None:
    here = this_process()
    assert not has_exited(here, here)
    reused = dataclasses.replace(here, start=(here.start or 0) + 1)  # the pid given to a later process
    assert has_exited(reused, here)
    elsewhere = dataclasses.replace(reused, host=here.host + "-other")
    assert not has_exited(elsewhere, here)  # judged by its silence
    contained = dataclasses.replace(reused, space="another boot pid:[1]")
    assert not has_exited(contained, here)
    unmarked = dataclasses.replace(here, pid=reused.pid, start=None)
    assert not has_exited(unmarked, here)


def test_a_process_in_its_own_pid_namespace_under_the_hosts_proc_records_no_pid_space() -> None:
    # A container started without its own /proc (`unshare --pid --fork` alone): its pids are the namespace's, its
    # /proc the host's, where its pid names another process. Judged by such a /proc, a worker would take the host's
    # process for its own, and be taken for gone when that one exits: it records no pid space, and is judged by
    # its silence.
    shown = subprocess.run(
        ["unshare", "--pid", "--fork", sys.executable, "-c",
         "from claimflow.runtime.queue.exited import this_process; print(this_process())"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert "pid=1," in shown.stdout, shown.stdout  # in a pid namespace of its own
    assert "start=None, space=None" in shown.stdout, shown.stdout


def test_a_live_process_proc_does_not_show_is_not_judged_gone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Under `hidepid=2` another user's worker has no `/proc/PID` for the judge: it lives, judged by its silence."""
    here = this_process()
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        recorded = _mark(child, here)
        hidden = tmp_path / "proc"  # what such a /proc shows: the judge's own processes only, not the child
        hidden.mkdir()
        (hidden / str(os.getpid())).symlink_to(Path("/proc") / str(os.getpid()))
        monkeypatch.setattr(exited, "PROC", hidden)
        assert not has_exited(recorded, here)
        child.kill()
        child.wait()
        assert has_exited(recorded, here)  # gone for the kernel too
    finally:
        child.kill()
        child.wait()
