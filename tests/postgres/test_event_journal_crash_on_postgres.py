"""On Postgres too, a SIGKILL between a checkpoint and its event write loses and duplicates no event.

The engine's checkpoints commit there without waiting for the server's log flush (the default): a killed
engine must still find every checkpoint it was told is written, and the events table must match them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration.test_event_journal_crash import kill_at_random

pytestmark = pytest.mark.postgres


@pytest.mark.slow
def test_killing_the_engine_at_random_on_postgres_loses_and_duplicates_no_event(
    postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLAIMFLOW_DATABASE_URL", postgres_url)
    monkeypatch.delenv("CLAIMFLOW_POSTGRES_SYNCHRONOUS_COMMIT", raising=False)
    kill_at_random(tmp_path, "claimflow.runtime.checkpoint_postgres:PooledPostgresSaver")
