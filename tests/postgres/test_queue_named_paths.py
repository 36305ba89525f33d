"""`run --queue` skips a named path that is not there as `run` does: told first, the rest queued, exit code 1."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration._docs import flat, json_lines, run_cli
from tests.postgres._workers import CONTRACT, migrate, rows, worker_env

pytestmark = pytest.mark.postgres


def test_a_missing_named_path_is_skipped_and_the_others_are_queued(tmp_path: Path, postgres_url: str) -> None:
    data = tmp_path / "data"
    migrate(postgres_url, data)
    missing = tmp_path / "missing.pdf"

    queued = run_cli("run", "--queue", "--json", missing, CONTRACT, **worker_env(postgres_url, data))

    assert queued.returncode == 1, queued.stderr
    skipped, run = json_lines(queued.stdout)
    assert skipped == {"skipped": str(missing), "reason": "does not exist"}
    assert run["document"] == CONTRACT.name and run["status"] == "queued"
    assert [
        job["run_id"] for job in rows(postgres_url, "SELECT args->>'run_id' AS run_id FROM procrastinate_jobs")
    ] == [run["run_id"]]


def test_a_folder_with_no_document_queues_nothing_and_says_only_that(tmp_path: Path, postgres_url: str) -> None:
    data, inbox = tmp_path / "data", tmp_path / "inbox"
    migrate(postgres_url, data)
    inbox.mkdir()

    queued = run_cli("run", "--queue", inbox, **worker_env(postgres_url, data))

    assert queued.returncode == 0, queued.stderr
    assert queued.stdout == ""  # no empty table
    assert flat(queued.stderr) == f"no documents in {inbox}: nothing to run"
