"""A prune leaves none of a pruned document's bytes in the SQLite files, whatever SQLite's build defaults to.

SQLite frees a deleted row's pages without overwriting them unless `secure_delete` is on, which some builds
(Debian's) turn on by default and others (python.org's) do not. Each CLI process here runs with every new
connection set to `secure_delete=OFF` first, as such a build opens them; the document's text must still be gone
from `documents.db` after the prune.

The write-ahead log keeps the pages as they were written: while another process holds the database open (a
server, a worker), the log outlives the prune's connection, and must not keep the document either.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from tests.integration._docs import cli_env, invoice_text, json_lines, write

MARKER = "Questions: erasure.probe.4711@example.org, Hauptstrasse 5, 10115 Berlin"
"""Text the document holds once: in its original, its parsed text and its masked text."""
LAUNCHER = """
import sqlite3
import sys

_connect = sqlite3.connect


def _connect_as_built_without_secure_delete(*args, **kwargs):
    connection = _connect(*args, **kwargs)
    connection.execute("PRAGMA secure_delete=OFF")
    return connection


sqlite3.connect = _connect_as_built_without_secure_delete
from claimflow.runtime.cli import main

sys.argv = ["claimflow", *sys.argv[1:]]
main()
"""


def _claimflow(launcher: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, launcher, *map(str, args)], capture_output=True, text=True, env=cli_env(), timeout=120,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def test_a_pruned_documents_text_is_not_left_in_the_freed_pages(tmp_path: Path) -> None:
    launcher = tmp_path / "claimflow_without_secure_delete.py"
    launcher.write_text(LAUNCHER, encoding="utf-8")
    docs, data = tmp_path / "docs", tmp_path / "data"
    write(docs, "clean.txt", invoice_text("NW-2024-0931") + MARKER + "\n")
    [view] = json_lines(_claimflow(launcher, "run", docs, "--json", "--data-dir", data, "--model", "rules").stdout)
    assert view["status"] == "completed"
    assert MARKER.encode() in (data / "documents.db").read_bytes()
    time.sleep(1.1)

    _claimflow(launcher, "prune", "--finished-older-than", "1s", "--data-dir", data)

    left = b"".join(path.read_bytes() for path in sorted(data.glob("documents.db*")))
    assert MARKER.encode() not in left


def test_a_pruned_documents_text_is_not_left_in_the_write_ahead_log_another_process_keeps(tmp_path: Path) -> None:
    launcher = tmp_path / "claimflow_without_secure_delete.py"
    launcher.write_text(LAUNCHER, encoding="utf-8")
    docs, data = tmp_path / "docs", tmp_path / "data"
    write(tmp_path / "first", "first.txt", invoice_text("NW-2024-0930"))
    _claimflow(launcher, "run", tmp_path / "first", "--data-dir", data)  # makes the data directory and databases
    write(docs, "clean.txt", invoice_text("NW-2024-0932") + MARKER + "\n")
    # Another process's connection, as `claimflow serve` or a worker holds: the log is not removed under it.
    held = sqlite3.connect(data / "documents.db")
    try:
        held.execute("SELECT count(*) FROM blobs").fetchall()
        [view] = json_lines(_claimflow(launcher, "run", docs, "--json", "--data-dir", data).stdout)
        assert view["status"] == "completed"
        assert MARKER.encode() in (data / "documents.db-wal").read_bytes()
        time.sleep(1.1)

        _claimflow(launcher, "prune", "--finished-older-than", "1s", "--data-dir", data)

        left = b"".join(path.read_bytes() for path in sorted(data.glob("documents.db*")))
        assert MARKER.encode() not in left
    finally:
        held.close()
