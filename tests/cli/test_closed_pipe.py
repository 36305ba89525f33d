"""A reader that closes the pipe early (`claimflow runs --json | head -1`) stops the command quietly, as UNIX tools do.

The command used to exit 1 without a word (a BrokenPipeError, turned into exit 1 by typer, or by rich for a table),
which a script reads as a failure. Each command here writes more than the pipe holds, to a reader that takes one line
and leaves: the command must exit 141 (128 + SIGPIPE, as a shell reports `yes | head -1`) and write no error.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.integration._docs import claimflow_executable, cli_env, json_lines

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not hasattr(fcntl, "F_SETPIPE_SZ"), reason="the pipe's size is set on Linux only"),
]

CONTRACT = Path(__file__).parents[2] / "examples" / "documents" / "contract-nda.txt"
DOCUMENTS = 30
"""Enough runs that `runs --json` (about 1 KB a run) writes several times what the pipe holds."""
PIPE_BYTES = 4096
"""The pipe's capacity, its least: every command below writes well over this past its first line."""


def _run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [claimflow_executable(), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        env=cli_env(),
        cwd=cwd,
        check=False,
    )


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    """A folder of DOCUMENTS contracts, and a data directory with a run of each: (folder, data directory, a run)."""
    root = tmp_path_factory.mktemp("closed-pipe")
    documents = root / "docs"
    documents.mkdir()
    for number in range(DOCUMENTS):
        # Each one different, so none is a duplicate of another.
        shutil.copy(CONTRACT, documents / f"contract-{number:02}.txt")
        with (documents / f"contract-{number:02}.txt").open("a", encoding="utf-8") as file:
            file.write(f"\nCopy {number}\n")
    data = root / "data"
    done = _run("run", documents, "--json", "--data-dir", data, cwd=root)
    assert done.returncode == 0, done.stderr
    views = json_lines(done.stdout)
    assert len(views) == DOCUMENTS
    return documents, data, views[0]["run_id"]


def _first_line_then_close(args: list[str], cwd: Path) -> tuple[bytes, int, bytes]:
    """Run the CLI with its stdout into a small pipe; read one line, close the pipe: (line, exit code, stderr)."""
    reader, writer = os.pipe()
    fcntl.fcntl(writer, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    process = subprocess.Popen(
        [claimflow_executable(), *args], stdout=writer, stderr=subprocess.PIPE, env=cli_env(), cwd=cwd
    )
    os.close(writer)
    line = b""
    try:
        while not line.endswith(b"\n"):  # a byte at a time: what the command wrote past this line stays unread
            byte = os.read(reader, 1)
            if not byte:
                break
            line += byte
    finally:
        os.close(reader)
    _, stderr = process.communicate(timeout=120)
    return line, process.returncode, stderr


@pytest.mark.parametrize(
    "command",
    [
        ["runs", "--json"],
        ["review", "list", "--json"],
        ["trace", "RUN", "--json"],
        ["trace", "RUN"],  # printed by rich, which ended with exit 1 on its own
    ],
    ids=" ".join,
)
def test_a_command_whose_reader_leaves_stops_quietly(
    batch: tuple[Path, Path, str], tmp_path: Path, command: list[str]
) -> None:
    _, data, run_id = batch
    args = [run_id if arg == "RUN" else arg for arg in command]
    whole = _run(*args, "--data-dir", data, cwd=tmp_path)
    assert whole.returncode == 0, whole.stderr
    first = whole.stdout.splitlines(keepends=True)[0]
    # More than the pipe holds past the line read, with room to spare: the command writes after the reader left.
    assert len(whole.stdout.encode()) > len(first.encode()) + PIPE_BYTES * 3 // 2
    line, code, stderr = _first_line_then_close([*args, "--data-dir", str(data)], tmp_path)
    assert line.decode() == first
    assert (code, stderr.decode()) == (141, "")


def test_a_batch_whose_reader_leaves_stops_quietly_and_can_be_recovered(
    batch: tuple[Path, Path, str], tmp_path: Path
) -> None:
    documents, _, _ = batch
    data = tmp_path / "data"
    line, code, stderr = _first_line_then_close(["run", str(documents), "--json", "--data-dir", str(data)], tmp_path)
    assert json_lines(line.decode())[0]["document"] == "contract-00.txt"
    assert (code, stderr.decode()) == (141, "")
    # The batch stopped as it would at any stop: what it registered is kept, for `recover` or the same command.
    again = _run("run", documents, "--json", "--data-dir", data, cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert len(json_lines(again.stdout)) == DOCUMENTS
