"""`claimflow eval` with a model other than replay says how many `replay_only` cases it left out.

Their recorded claims are deliberately wrong (they test apply), so only replay runs them; a rules or live run left
them out without a word, and its case count read as the whole folder's.
"""

from __future__ import annotations

import json

from claimflow.evals.evaluation import evaluate_goldens
from claimflow.evals.golden import ModelStepCase, load_goldens
from tests.integration._docs import run_cli

REPLAY_ONLY = sorted(
    case.id
    for case in load_goldens()
    if case.step == "classify" and isinstance(case, ModelStepCase) and case.replay_only
)


def test_rules_names_the_replay_only_cases_it_did_not_run_and_replay_runs_them() -> None:
    assert REPLAY_ONLY  # the package's classify cases hold some
    rules = evaluate_goldens(model="rules", steps=["classify"])
    assert sorted(rules.not_run) == REPLAY_ONLY
    assert not set(REPLAY_ONLY) & {result.id for result in rules.results}
    assert rules.as_json()["not_run"] == list(rules.not_run)

    replay = evaluate_goldens(steps=["classify"])
    assert replay.not_run == () and replay.not_run_note() is None
    assert set(REPLAY_ONLY) <= {result.id for result in replay.results}


def test_the_command_says_how_many_it_did_not_run() -> None:
    done = run_cli("eval", "--model", "rules", "--step", "classify")
    assert done.returncode == 0, done.stdout + done.stderr
    assert (
        f"not run with rules: {len(REPLAY_ONLY)} replay_only case(s), whose recorded claims are deliberately wrong"
    ) in " ".join(done.stdout.split())
    as_json = run_cli("eval", "--model", "rules", "--step", "classify", "--json")
    assert sorted(json.loads(as_json.stdout)["not_run"]) == REPLAY_ONLY
    assert "not run with rules: " in as_json.stderr
