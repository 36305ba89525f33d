"""On Postgres too, of two racing `claimflow review decide` processes only a decision on the review its reviewer saw
applies: the claim is a check-and-set of the review id under the run's row lock."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import psycopg
import pytest

from tests.integration._racing_reviews import check, pause_runs, race

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

TABLES = {"runs": "claimflow_runs", "decisions": "claimflow_review_decisions", "events": "claimflow_events"}


def test_racing_decisions_never_apply_to_a_review_their_deciders_did_not_see(postgres_url: str, tmp_path: Path) -> None:
    env = {"CLAIMFLOW_DATABASE_URL": postgres_url}

    def query(sql: str, args: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        statement = sql.format(**TABLES).replace("?", "%s")
        with psycopg.connect(postgres_url) as connection:
            return list(connection.execute(statement, args).fetchall())  # type: ignore[arg-type]

    data = tmp_path / "blobs-only"
    runs = pause_runs(tmp_path / "docs", data, env)
    check([race(run_id, data, env, query) for run_id in runs], query)
