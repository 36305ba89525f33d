"""`claimflow prune` on Postgres: the saver's three tables lose the finished runs' rows, nothing else changes."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration._pruning import prune_keeps_outputs_and_unfinished_runs

pytestmark = pytest.mark.postgres


def test_prune_keeps_outputs_audit_and_unfinished_runs_on_postgres(tmp_path: Path, postgres_url: str) -> None:
    prune_keeps_outputs_and_unfinished_runs(tmp_path, postgres_url)
