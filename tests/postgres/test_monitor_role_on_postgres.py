"""A monitor token stored in Postgres: `/metrics` over real HTTP, a 403 naming the roles that may elsewhere."""

from __future__ import annotations

from pathlib import Path

import pytest

from claimflow.runtime.settings import Settings
from tests.service._monitor import check_monitor_role

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


def test_a_monitor_token_reads_metrics_and_nothing_else_on_postgres(
    postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key in ("CLAIMFLOW_EXECUTION", "CLAIMFLOW_DATABASE_URL"):
        monkeypatch.delenv(key, raising=False)
    check_monitor_role(Settings(data_dir=tmp_path / "blobs-only", database_url=postgres_url))
