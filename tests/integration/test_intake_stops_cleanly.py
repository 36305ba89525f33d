"""Storage that cannot be written, a database that cannot be reached: one message, a non-zero exit, nothing lost.

The full disk is real: the CLI process runs under a file-size limit (`RLIMIT_FSIZE`), so writing a file past it
fails with EFBIG as a write to a full disk fails with ENOSPC, and nothing else about the process is changed.
"""

from __future__ import annotations

from pathlib import Path

from tests.fakes.tcp_proxy import closed_port
from tests.integration._batches import (
    FINISHED,
    file_size_limit,
    invoices,
    registered,
    runs_per_file,
    spawn,
)
from tests.integration._docs import invoice_text, run_cli, write

LIMIT = 4 << 20
"""No file of the data directory may grow past 4 MiB: the registry and checkpoints stay well under it."""

STOPPED = 3

ROOMY = {"CLAIMFLOW_MAX_PAGE_CHARS": str(2 * LIMIT), "CLAIMFLOW_MAX_DOCUMENT_CHARS": str(2 * LIMIT)}
"""Character limits above the large document's size, so that it fails for the full disk alone, then completes."""


def test_a_write_that_fails_stops_intake_with_one_message_and_every_registered_run_resumable(tmp_path: Path) -> None:
    docs, data = tmp_path / "docs", tmp_path / "data"
    invoices(docs, 5, prefix="a")
    # A document larger than any file may now grow: storing it fails as on a full disk.
    write(docs, "b-large.txt", invoice_text("NW-LARGE-1") + "\n" * (LIMIT + 4096))
    invoices(docs, 5, prefix="c")

    child = spawn("run", docs, "--data-dir", data, preexec_fn=file_size_limit(LIMIT), **ROOMY)
    stdout, stderr = child.communicate(timeout=300)

    assert child.returncode == STOPPED, stderr
    assert "Traceback" not in stderr and "Traceback" not in stdout
    [line] = stderr.strip().splitlines()  # one message
    # The document store is a SQLite database: SQLite reports a write past the limit (EFBIG) as a disk I/O
    # error (and a full disk as "database or disk is full").
    assert line.startswith("error: stopped: cannot write the SQLite database: disk I/O error")
    assert "run the same command again" in line
    stopped = registered(data)
    assert stopped and "b-large.txt" not in runs_per_file(stopped)
    assert all(row.status in ("completed", "queued", "running") for row in stopped), stopped

    again = run_cli("run", docs, "--data-dir", data, timeout=300, **ROOMY)

    assert again.returncode == 0, again.stderr
    rows = registered(data)
    assert set(runs_per_file(rows).values()) == {1} and len(rows) == 11
    assert all(row.status in FINISHED and row.status != "failed" for row in rows), rows
    assert {row.run_id for row in stopped} <= {row.run_id for row in rows}


def test_a_database_that_cannot_be_reached_stops_the_run_with_one_message(tmp_path: Path) -> None:
    invoices(tmp_path / "docs", 2)
    url = f"postgresql://postgres@127.0.0.1:{closed_port()}/claimflow"

    result = run_cli("run", tmp_path / "docs", "--data-dir", tmp_path / "data", CLAIMFLOW_DATABASE_URL=url)

    assert result.returncode == STOPPED, result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("error: stopped: the database cannot be reached or written: connection failed")
    assert "Connection refused" in line


def test_a_review_decision_with_the_database_unreachable_stops_with_the_same_one_message(tmp_path: Path) -> None:
    url = f"postgresql://postgres@127.0.0.1:{closed_port()}/claimflow"

    decide = ("review", "decide", "0123456789ab", "--approve", "--reviewer", "lee")
    result = run_cli(*decide, "--data-dir", tmp_path / "data", CLAIMFLOW_DATABASE_URL=url)

    assert result.returncode == STOPPED, result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("error: stopped: the database cannot be reached or written: connection failed")
