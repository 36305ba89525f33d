"""The keys `claimflow eval --json` prints are the ones the README names: CI scripts read them by name."""

from __future__ import annotations

import re
from pathlib import Path

from claimflow.evals.baseline import ROOT
from claimflow.evals.dataset_gate import DatasetVerdict
from claimflow.evals.evaluation import evaluate_goldens

README = ROOT.resolve().parent / "README.md"


def _json_row() -> str:
    rows = [line for line in README.read_text().splitlines() if line.startswith("| `--json` | one JSON object")]
    assert len(rows) == 1, rows
    return rows[0]


def test_every_key_of_the_json_report_and_its_gate_is_named_in_the_readme() -> None:
    report = evaluate_goldens(steps=["route_parse"]).as_json()
    named = set(re.findall(r"`(\w+)`", _json_row()))
    missing = sorted((set(report) | set(report["gate"])) - named)
    # `new_failures`, `metric_drops`, `changed_inputs`, `failed` and `regressed` were printed but never named.
    assert not missing, f"--json prints {missing}, which the README's --json row does not name"


def test_every_key_of_the_dataset_gate_is_named_in_the_readme() -> None:
    # Only `unanswered` was named: a CI script had to read the code to find `failed` or `regressions`.
    verdict = DatasetVerdict(Path("baseline.rules.json"), [], [], [], [], {}, [])
    [paragraph] = [p for p in README.read_text().split("\n\n") if "`--json` carries the verdict as `gate`" in p]
    missing = sorted(set(verdict.as_json()) - set(re.findall(r"`(\w+)`", paragraph)))
    assert not missing, f"eval dataset --json's gate holds {missing}, which the README does not name"
