"""`recover` on Postgres: safe beside a live `run`, and several runs at once with `--concurrency`."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration._recovering import recover_advances_runs_at_once, recover_leaves_a_live_run_alone

pytestmark = pytest.mark.postgres


def test_recover_beside_a_live_run_takes_none_of_its_runs(tmp_path: Path, postgres_url: str) -> None:
    recover_leaves_a_live_run_alone(tmp_path, postgres_url)


def test_recover_with_concurrency_advances_several_runs_at_once(tmp_path: Path, postgres_url: str) -> None:
    recover_advances_runs_at_once(tmp_path, postgres_url)
