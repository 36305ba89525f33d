"""An export, a baseline or a report written to a path that is no regular file: a FIFO, a pipe behind a link.

A FIFO that no process read held `open` on a thread, where neither Ctrl-C nor SIGTERM reaches: `claimflow
export f.csv` could not be stopped. And `/dev/stdout` on a pipe was resolved to `pipe:[N]`, a path that does
not exist, so `claimflow export /dev/stdout | ...` failed.
"""

from __future__ import annotations

import errno
import json
import os
import subprocess
import threading
from pathlib import Path

import pytest

from claimflow.runtime.whole_file import write_whole
from tests.integration._docs import claimflow_executable, cli_env, invoice_text, run_cli, write


def test_a_fifo_no_process_reads_is_refused_at_once_naming_it(tmp_path: Path) -> None:
    fifo = tmp_path / "records.csv"
    os.mkfifo(fifo)
    raised: list[BaseException] = []

    def write() -> None:
        try:
            write_whole(fifo, "a,b\n")
        except OSError as error:
            raised.append(error)

    # On a thread of its own: before, the open waited for a reader, which would never come here.
    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    writer.join(timeout=10)
    assert not writer.is_alive(), "the write waits for a reader"
    [refused] = raised
    assert isinstance(refused, OSError) and refused.errno == errno.ENXIO
    assert str(refused) == f"[Errno {errno.ENXIO}] it is a FIFO that no process reads: '{fifo}'"


def test_a_fifo_with_a_reader_gets_the_text_whole(tmp_path: Path) -> None:
    fifo = tmp_path / "records.csv"
    os.mkfifo(fifo)
    read: list[str] = []
    reader = threading.Thread(target=lambda: read.append(fifo.read_text()), daemon=True)
    reader.start()
    text = "x" * 200_000  # more than a pipe holds: the writer waits for its reader, as any open file's would
    for _ in range(500):  # the reader's open, on its thread, comes when it comes
        try:
            write_whole(fifo, text)
            break
        except OSError as error:
            assert error.errno == errno.ENXIO
            threading.Event().wait(0.01)
    else:
        pytest.fail("the reader never opened the FIFO")
    reader.join(timeout=10)
    assert read == [text]


def test_export_to_dev_stdout_on_a_pipe_writes_the_records_to_it(tmp_path: Path) -> None:
    data = tmp_path / "data"
    ran = run_cli("run", write(tmp_path, "invoice.txt", invoice_text()), "--data-dir", data)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    done = subprocess.run(
        [claimflow_executable(), "export", "/dev/stdout", "--data-dir", data],
        capture_output=True,  # stdout a pipe: /dev/stdout links to it
        text=True,
        env=cli_env(),
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    [record] = [json.loads(line) for line in done.stdout.splitlines()]
    assert record["invoice_number"]["value"] == "NW-2024-0117"
