"""A run named by a prefix of its id: one too short, or one several runs start with, is told as such."""

from __future__ import annotations

from pathlib import Path

import pytest

from claimflow.runtime.registry import NewRun
from claimflow.runtime.registry.opening import open_registry
from claimflow.runtime.settings import Settings
from claimflow.state.documents import DocumentRef
from tests.cli.conftest import Invoke

DOCUMENT = DocumentRef(document_id="a" * 64, filename="invoice.txt", media_type="text/plain", size=1)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A data directory with runs abcdef01, abcdef02 and fedcba01, all queued."""
    registry = open_registry(Settings.load(data_dir=tmp_path / "data"))
    try:
        for run_id in ("abcdef01", "abcdef02", "fedcba01"):
            registry.create_run(NewRun(run_id=run_id, document=DOCUMENT, workflow="w", workflow_version="v", model="m"))
    finally:
        registry.close()
    return tmp_path / "data"


def test_a_prefix_of_two_runs_names_them(claimflow: Invoke, data_dir: Path) -> None:
    done = claimflow("show", "abcdef", "--data-dir", data_dir)
    assert done.exit_code == 2
    assert "'abcdef' is the start of 2 runs (abcdef01, abcdef02): give more characters" in done.stderr


def test_a_prefix_of_five_characters_is_too_short(claimflow: Invoke, data_dir: Path) -> None:
    done = claimflow("trace", "fedcb", "--data-dir", data_dir)
    assert done.exit_code == 2
    assert "'fedcb' is too short to name a run: use at least 6 characters" in done.stderr
    assert claimflow("show", "fedcba", "--data-dir", data_dir).exit_code == 0


def test_a_run_nobody_has_is_still_no_run(claimflow: Invoke, data_dir: Path) -> None:
    for asked in ("zzzzzz", "zz"):
        done = claimflow("show", asked, "--data-dir", data_dir)
        assert done.exit_code == 2
        assert f"no run '{asked}'; `claimflow runs` lists them" in done.stderr


def test_a_decision_on_a_prefix_of_two_runs_names_them(claimflow: Invoke, data_dir: Path) -> None:
    done = claimflow("review", "decide", "abcdef", "--reviewer", "kim", "--approve", "--data-dir", data_dir)
    assert done.exit_code == 2
    assert "'abcdef' is the start of 2 runs (abcdef01, abcdef02): give more characters" in done.stderr
