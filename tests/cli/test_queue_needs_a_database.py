"""Production mode without a Postgres database: one line saying what to set, exit code 2, nothing recorded."""

from __future__ import annotations

from pathlib import Path

from tests.integration._docs import run_cli
from tests.integration._stores import stored_blobs

CONTRACT = Path(__file__).parents[2] / "examples" / "documents" / "contract-nda.txt"


def test_run_queue_and_the_operator_commands_need_a_database(tmp_path: Path) -> None:
    data = tmp_path / "data"
    for args in (("run", "--queue", str(CONTRACT)), ("db", "migrate"), ("worker",)):
        done = run_cli(*args, CLAIMFLOW_DATA_DIR=str(data))
        assert done.returncode == 2, (args, done.stderr)
        assert "CLAIMFLOW_DATABASE_URL" in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert not (data / "blobs").exists() and stored_blobs(data) == set()  # no document stored


def test_run_in_production_mode_without_a_database_makes_no_data_directory(tmp_path: Path) -> None:
    """Refused before the engine opens: no data directory with its databases, no prompt version pinned."""
    queued = run_cli("run", "--queue", CONTRACT, CLAIMFLOW_DATA_DIR=str(tmp_path / "queued"))
    production = run_cli("run", CONTRACT, CLAIMFLOW_DATA_DIR=str(tmp_path / "production"), CLAIMFLOW_EXECUTION="queue")

    for done in (queued, production):
        assert done.returncode == 2, done.stderr
        assert "the queue lives in Postgres: set CLAIMFLOW_DATABASE_URL" in done.stderr, done.stderr
    assert sorted(path.name for path in tmp_path.iterdir()) == []  # neither data directory was made
