"""The data directory and everything claimflow writes in it are its user's alone: folders 0700, files 0600.

The tests run under the usual umask (022), with which a new folder would be 0755 and a new file 0644, readable
by every user of the machine.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from claimflow.doctypes import BUILTIN_TYPES
from claimflow.runtime.cli import app
from claimflow.runtime.engine import open_engine
from claimflow.runtime.private import tighten
from claimflow.runtime.settings import Settings
from claimflow.runtime.store import FileDocumentStore
from claimflow.state.review import ReviewDecision
from tests.integration._docs import mismatch_invoice_text, write
from tests.integration._stores import stored_blobs
from tests.modes import mode_of, usual_umask, wide_paths

DATABASES = ("claimflow.db", "checkpoints.db", "documents.db")
SIDECARS = tuple(f"{name}{suffix}" for name in DATABASES for suffix in ("-wal", "-shm"))


@pytest.fixture(autouse=True)
def _usual_umask() -> Iterator[None]:
    with usual_umask():
        yield


async def test_a_run_and_a_review_leave_only_private_folders_and_files(tmp_path: Path) -> None:
    document = write(tmp_path / "docs", "mismatch.txt", mismatch_invoice_text())
    data, recordings = tmp_path / "new" / "data", tmp_path / "recordings"
    settings = Settings(data_dir=data, record_dir=recordings)

    async with open_engine(settings, types=BUILTIN_TYPES) as engine:
        run = await engine.process(document)
        assert run.status == "needs_review"
        # Checked while the databases are open: SQLite's -wal and -shm files exist only then.
        assert wide_paths(data, ".", *DATABASES, *SIDECARS) == {}
        assert len(stored_blobs(data)) == 3  # the original, its text, the masking map
        assert wide_paths(recordings, ".", "classify", "extract_invoice") == {}
        assert len(list(recordings.rglob("*.json"))) == 2

        pending = await engine.pending_review(run.run_id)
        assert pending is not None
        decided = await engine.decide(
            run.run_id, ReviewDecision(reviewer="erin", action="approve"), interrupt_id=pending.interrupt_id
        )
        assert decided.status == "completed"
        assert wide_paths(data, ".", *DATABASES, *SIDECARS) == {}

    assert wide_paths(data, ".", *DATABASES) == {}
    assert not (data / "blobs").exists()  # blob files were an earlier version's
    assert mode_of(tmp_path / "new") == 0o700  # made by claimflow on the way to the data directory


def test_a_data_directory_left_open_is_closed_when_claimflow_opens_it(tmp_path: Path) -> None:
    document = write(tmp_path / "docs", "mismatch.txt", mismatch_invoice_text())
    data = tmp_path / "data"
    runner = CliRunner(env={"COLUMNS": "1000"})
    assert runner.invoke(app, ["run", str(document), "--data-dir", str(data)]).exit_code == 0
    FileDocumentStore(data / "blobs").save_blob(b"a document an earlier version kept as a file")
    for name in SIDECARS:  # as a killed process leaves them
        (data / name).touch()
    for path in [data, *data.rglob("*")]:  # as an earlier claimflow, or the umask, left them
        path.chmod(0o755 if path.is_dir() else 0o644)
    blob = next(path for path in (data / "blobs").rglob("*") if path.is_file())

    listed = runner.invoke(app, ["runs", "--data-dir", str(data)])

    assert listed.exit_code == 0, listed.output
    for name in (".", "blobs"):
        assert mode_of(data / name) == 0o700, name
    for name in (*DATABASES, *SIDECARS):
        assert not (data / name).exists() or mode_of(data / name) == 0o600, name
    # Older blob files keep their mode, behind folders another user can no longer enter.
    assert (mode_of(blob), mode_of(blob.parent)) == (0o644, 0o755)

    exported = runner.invoke(app, ["export", str(tmp_path / "out" / "records.jsonl"), "--data-dir", str(data)])
    assert exported.exit_code == 0, exported.output
    # An export goes where the user says, with the mode the umask gives.
    assert (mode_of(tmp_path / "out"), mode_of(tmp_path / "out" / "records.jsonl")) == (0o755, 0o644)


def test_a_path_that_cannot_be_tightened_is_reported_once(caplog: pytest.LogCaptureFixture) -> None:
    unchangeable = Path("/proc/self/status")  # 0444, and no one may change the mode of a /proc file
    assert mode_of(unchangeable) & 0o077

    with caplog.at_level(logging.WARNING, logger="claimflow"):
        tighten(unchangeable)
        tighten(unchangeable)

    assert [record.getMessage() for record in caplog.records] == [
        "claimflow could not make /proc/self/status private to its owner: Operation not permitted"
    ]
