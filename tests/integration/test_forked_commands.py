"""The tests' forked commands (`_forked`) behave as the console script started anew does.

Most command-line tests run `claimflow` as a fork of a process that has imported the engine already. These
tests hold that to what `subprocess` gives: the same output and exit status as a fresh process, its own
process id, environment and working directory, and the status of a signal that ended it.
"""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import pytest

from tests.fakes.tcp_proxy import closed_port
from tests.integration._docs import claimflow_executable, cli_env, json_lines, run_cli, spawn_cli, write
from tests.integration._forked import startup_differs

RECEIPT = "KEDAI MAJU\nNO. 7, JALAN SS2/7\n07/03/2024 10:07\nNASI LEMAK 1 7.50\nTOTAL RM 7.50\nCASH 7.50\n"


def _fresh(*args: str | Path, **env: str) -> subprocess.CompletedProcess[str]:
    """The same command as a new interpreter runs it."""
    command = [claimflow_executable(), *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, env=cli_env(**env), check=False)


@pytest.mark.parametrize(
    "args",
    [("--help",), ("review", "--help"), ("no-such-command",), ("runs", "--data-dir", "{empty}"), ("show", "nothing")],
)
def test_a_forked_command_prints_and_exits_as_a_fresh_process_does(tmp_path: Path, args: tuple[str, ...]) -> None:
    command = [arg.format(empty=tmp_path / "empty") for arg in args]
    forked, fresh = run_cli(*command), _fresh(*command)
    assert (forked.returncode, forked.stdout, forked.stderr) == (fresh.returncode, fresh.stdout, fresh.stderr)


def test_a_forked_command_reads_its_own_environment_and_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    narrow, wide = run_cli("--help", COLUMNS="60"), run_cli("--help", COLUMNS="200")
    assert max(map(len, narrow.stdout.splitlines())) <= 60 < max(map(len, wide.stdout.splitlines()))
    write(tmp_path, "receipt.txt", RECEIPT)
    monkeypatch.chdir(tmp_path)
    done = run_cli("run", "receipt.txt", "--json", "--data-dir", "data")  # both relative to the directory
    assert done.returncode == 0, done.stderr
    assert [view["document"] for view in json_lines(done.stdout)] == ["receipt.txt"]
    assert (tmp_path / "data").is_dir()
    elsewhere = run_cli("runs", "--json", "--data-dir", "data", CLAIMFLOW_DATA_DIR=str(tmp_path / "unused"))
    assert [view["document"] for view in json_lines(elsewhere.stdout)] == ["receipt.txt"]


def test_a_forked_command_is_a_process_of_its_own_and_a_signal_ends_it_as_one(tmp_path: Path) -> None:
    server = spawn_cli("serve", "--port", str(closed_port()), "--data-dir", tmp_path / "data")
    with pytest.raises(subprocess.TimeoutExpired):
        server.wait(timeout=0.5)
    assert server.pid not in (os.getpid(), os.getppid()) and server.poll() is None
    server.send_signal(signal.SIGKILL)
    assert server.wait(timeout=30) == -signal.SIGKILL
    assert server.communicate(timeout=5)[0] is not None


def test_a_command_that_runs_too_long_is_killed_and_says_so(tmp_path: Path) -> None:
    with pytest.raises(subprocess.TimeoutExpired) as raised:
        run_cli("serve", "--port", str(closed_port()), "--data-dir", tmp_path / "data", timeout=1.0)
    assert raised.value.timeout == 1.0


def test_what_the_interpreter_reads_as_it_starts_sends_a_command_to_a_fresh_process() -> None:
    base = {"PATH": "/usr/bin", "LANG": "C.UTF-8"}
    assert not startup_differs({**base, "CLAIMFLOW_MODEL": "rules", "COLUMNS": "80"}, base)
    assert startup_differs({**base, "PYTHONPATH": "/elsewhere"}, base)
    assert startup_differs({**base, "LC_ALL": "C"}, base)
    assert startup_differs({"PATH": "/usr/bin"}, base)
    forked = run_cli("--help", PYTHONIOENCODING="utf-8")  # a fresh interpreter, and the same answer
    assert forked.returncode == 0 and "Usage" in forked.stdout
