"""The keys `claimflow eval --json` prints are the ones the README names: CI scripts read them by name."""

from __future__ import annotations

import re

from claimflow.evals.baseline import ROOT
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
