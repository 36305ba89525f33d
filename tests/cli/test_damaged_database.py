"""A data directory whose SQLite file is damaged stops a command with one line and exit code 3, never a traceback.

Each of its three databases was opened by some command that then raised `sqlite3.DatabaseError` (`file is not a
database`, `database disk image is malformed`) as a Python traceback with exit code 1, read-only commands
included: the condition is the data directory's, not one document's, as a full disk is.
"""

from __future__ import annotations

import os
import shutil
import socket
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.integration._docs import invoice_text, run_cli, write

STOPPED = (
    "error: stopped: cannot read a SQLite database of the data directory: file is not a database; the file is"
    " damaged or is not claimflow's: restore the data directory from a copy, or name another with --data-dir"
)


@pytest.fixture(scope="module")
def ran(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory with one completed run in it."""
    root = tmp_path_factory.mktemp("ran")
    done = run_cli("run", write(root, "invoice.txt", invoice_text()), "--data-dir", root / "data")
    assert done.returncode in (0, 1), done.stderr
    return root / "data"


def _damaged(ran: Path, tmp_path: Path, name: str) -> Path:
    """A copy of `ran` whose file `name` begins with bytes no SQLite database begins with."""
    data = tmp_path / "data"
    shutil.copytree(ran, data)
    with (data / name).open("r+b") as file:
        file.write(b"\x17not a database at all\x00" * 400)
    return data


@pytest.mark.parametrize(
    ("name", "command"),
    [
        ("claimflow.db", ("runs",)),
        ("claimflow.db", ("review", "list")),
        ("documents.db", ("review", "list")),
        ("checkpoints.db", ("review", "list")),
        ("checkpoints.db", ("run",)),
    ],
)
def test_a_damaged_database_stops_the_command_with_one_line(
    ran: Path, tmp_path: Path, name: str, command: tuple[str, ...]
) -> None:
    data = _damaged(ran, tmp_path, name)
    args = (*command, write(tmp_path, "another.txt", invoice_text("NW-2024-0999"))) if command == ("run",) else command

    done = run_cli(*args, "--data-dir", data)

    assert done.returncode == 3, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert " ".join(done.stderr.split()).startswith(STOPPED), done.stderr


def _socket(path: Path) -> None:
    with socket.socket(socket.AF_UNIX) as bound:
        bound.bind(str(path))  # the socket file stays once the socket is closed


@pytest.mark.parametrize("name", ["claimflow.db", "documents.db", "checkpoints.db"])
@pytest.mark.parametrize(
    ("make", "kind"), [(os.mkfifo, "a FIFO (named pipe)"), (Path.mkdir, "a folder"), (_socket, "a socket")]
)
def test_no_file_in_a_databases_place_stops_the_command_and_is_never_waited_on(
    tmp_path: Path, name: str, make: Callable[[Path], object], kind: str
) -> None:
    # Making the file private opened it for reading: on a FIFO, a wait for a writer that never came; a folder or
    # a socket raised from the open, a traceback for two of the three databases.
    data = tmp_path / "data"
    data.mkdir(mode=0o700)
    make(data / name)

    done = run_cli("run", write(tmp_path, "invoice.txt", invoice_text()), "--data-dir", data, timeout=30)

    assert done.returncode == 3, done.stdout + done.stderr
    assert " ".join(done.stderr.split()).startswith(
        f"error: stopped: cannot use {data / name}: it is {kind}, not a regular file"
    ), done.stderr


def test_a_database_damaged_past_its_header_stops_the_command_as_malformed(ran: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(ran, data)
    with (data / "claimflow.db").open("r+b") as file:
        file.seek(100)  # SQLite's header stands; its pages do not
        file.write(b"\xa5" * 16_000)

    done = run_cli("runs", "--data-dir", data)

    assert done.returncode == 3, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert " ".join(done.stderr.split()).startswith(
        "error: stopped: cannot read a SQLite database of the data directory: database disk image is malformed;"
    ), done.stderr
