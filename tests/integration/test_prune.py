"""`claimflow prune` on SQLite: finished runs keep their outputs and audit; unfinished runs keep everything."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from claimflow.runtime.retention.ages import parse_age
from tests.integration._docs import run_cli
from tests.integration._pruning import prune_keeps_outputs_and_unfinished_runs


def test_prune_keeps_outputs_audit_and_unfinished_runs(tmp_path: Path) -> None:
    prune_keeps_outputs_and_unfinished_runs(tmp_path)


@pytest.mark.parametrize(
    ("text", "age"),
    [("30d", timedelta(days=30)), ("12h", timedelta(hours=12)), ("90m", timedelta(minutes=90)), ("0s", timedelta())],
)
def test_ages_are_a_number_and_a_unit(text: str, age: timedelta) -> None:
    assert parse_age(text) == age


@pytest.mark.parametrize("text", ["30", "d", "-1d", "30y", ""])
def test_a_malformed_age_is_refused_before_anything_is_opened(tmp_path: Path, text: str) -> None:
    done = run_cli("prune", "--finished-older-than", text, CLAIMFLOW_DATA_DIR=str(tmp_path / "data"))
    assert done.returncode == 2 and "not an age" in done.stderr
    assert not (tmp_path / "data").exists()


@pytest.mark.parametrize("text", ["0d", "0s", " 0.0h ", "-0d", "0.5s"])
def test_an_age_under_a_second_is_refused_naming_the_shortest(tmp_path: Path, text: str) -> None:
    # `0d` would prune every finished run, one that finished a moment ago too: most likely a slip, never a retention.
    done = run_cli("prune", "--finished-older-than", text, "--dry-run", CLAIMFLOW_DATA_DIR=str(tmp_path / "data"))
    assert done.returncode == 2, done.stdout + done.stderr
    line = " ".join(done.stderr.split())
    assert line == (
        f"error: --finished-older-than: {text.strip()!r} would prune every finished run, those that finished a "
        "moment ago too: the shortest age is 1s (e.g. 30d)"
    )
    assert not (tmp_path / "data").exists()
