"""`claimflow eval --baseline FILE` of another model: gated all the same, and said, as `eval dataset` says it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from claimflow.evals.baseline import baseline_path
from claimflow.evals.golden import GOLDENS
from tests.integration._docs import run_cli

RULES_BASELINE = baseline_path("rules")


def test_a_baseline_of_another_model_is_named_as_such(tmp_path: Path) -> None:
    # A replay run gated against the rules backend's file reported 'metric dropped' as if replay had regressed.
    done = run_cli("eval", "--step", "route_parse", "--baseline", RULES_BASELINE)
    assert done.returncode == 0, done.stdout + done.stderr
    note = "note: baseline.rules.json was measured with rules, this run with replay: the gate compares two models"
    assert note in done.stderr.splitlines()
    changed = run_cli("eval", "--changed", "--step", "route_parse", "--baseline", RULES_BASELINE)
    assert f"{note}; the cases --changed did not run keep that model's results" in changed.stderr.splitlines()
    as_json = run_cli("eval", "--json", "--step", "route_parse", "--baseline", RULES_BASELINE)
    assert json.loads(as_json.stdout)["gate"]["baseline_model"] == "rules"


def test_the_models_own_baseline_has_no_note(tmp_path: Path) -> None:
    done = run_cli("eval", "--step", "route_parse", "--model", "rules")
    assert "measured with" not in done.stderr
    # A folder of cases with no baseline of its own yet: nothing measured it.
    shutil.copytree(GOLDENS / "route_parse", tmp_path / "goldens" / "route_parse")
    missing = run_cli("eval", "--json", "--goldens", tmp_path / "goldens")
    assert missing.returncode == 0, missing.stdout + missing.stderr
    assert json.loads(missing.stdout)["gate"]["baseline_model"] is None
