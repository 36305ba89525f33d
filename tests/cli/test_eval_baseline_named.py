"""A baseline named with `--baseline` that does not exist is a setup error; the default one missing is no baseline yet.

A misspelt `--baseline` path gated nothing and passed (`no baseline at ...: the gate passes`, exit 0), in CI too.
Now it stops both commands before anything runs (exit 2), unless the command is to write it. Without a baseline,
`eval --json` and `eval dataset --json` say so alike: a `gate` that compares nothing, `baseline_model` null.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from claimflow.evals.golden import GOLDENS
from tests.cli.conftest import Invoke
from tests.cli.test_eval_dataset import labelled  # noqa: F401 - the fixture


@pytest.mark.parametrize("command", [("eval", "--step", "route_parse"), ("eval", "dataset", "labelled")])
def test_a_named_baseline_that_does_not_exist_stops_the_command(
    claimflow: Invoke,
    labelled: Path,  # noqa: F811 - the fixture
    command: tuple[str, ...],
) -> None:
    typo = labelled.parent / "baseline.rulez.json"
    args = [labelled if arg == "labelled" else arg for arg in command]

    refused = claimflow(*args, "--baseline", typo)

    assert refused.exit_code == 2, refused.output
    assert refused.stdout == ""  # before anything ran
    assert " ".join(refused.stderr.split()) == (
        f"error: the baseline {typo} does not exist: name an existing file, or write this one with --update-baseline"
    )
    # Written, it is there to gate the next run against.
    assert claimflow(*args, "--baseline", typo, "--update-baseline").exit_code == 0
    assert typo.is_file() and claimflow(*args, "--baseline", typo).exit_code == 0


def test_without_a_baseline_both_commands_give_a_gate_that_compares_nothing(
    claimflow: Invoke,
    labelled: Path,  # noqa: F811 - the fixture
    tmp_path: Path,
) -> None:
    shutil.copytree(GOLDENS / "route_parse", tmp_path / "goldens" / "route_parse")
    goldens = claimflow("eval", "--goldens", tmp_path / "goldens", "--json")
    dataset = claimflow("eval", "dataset", labelled, "--json")

    for done in (goldens, dataset):
        assert done.exit_code == 0, done.output
        assert "no baseline at " in done.stderr
        gate = json.loads(done.stdout)["gate"]
        assert (gate["failed"], gate["baseline_model"]) == (False, None)
    gate = json.loads(dataset.stdout)["gate"]
    assert gate["not_compared"] == [f"inv-{index}" for index in range(8)]
    assert (gate["regressions"], gate["fixed"]) == ([], [])
    assert gate["figures"]["exact_match_rate"] == {"baseline": None, "now": 0.75}
    text = claimflow("eval", "dataset", labelled)
    assert text.exit_code == 0 and "gate against" not in text.stdout
