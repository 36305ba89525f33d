"""`claimflow eval --type T --update-baseline`: a step's metrics are written only when all of its cases ran."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from claimflow.evals.evaluation import evaluate_goldens
from claimflow.evals.golden import GOLDENS


def test_a_type_filtered_update_keeps_the_metrics_of_the_steps_it_ran_in_part(tmp_path: Path) -> None:
    root = tmp_path / "goldens"
    for step in ("apply", "rules_receipt"):
        shutil.copytree(GOLDENS / step, root / step)
    evaluate_goldens(goldens=root, update_baseline=True)
    path = root / "baseline.replay.json"
    before = json.loads(path.read_text())["metrics"]

    evaluate_goldens(goldens=root, doc_types=["receipt"], update_baseline=True)
    after = json.loads(path.read_text())
    # apply ran its receipt cases only: its evidence_validity over them (0.667) replaced the step's (0.542), and
    # the next full run failed on a metric drop no change had caused.
    assert after["metrics"]["apply"] == before["apply"]
    assert after["metrics"]["rules_receipt"] == before["rules_receipt"]  # every case of it ran: rewritten alike
    assert set(after["cases"]) == {f"{case.parent.name}-{case.stem}" for case in root.glob("*/*.json")}
    full = evaluate_goldens(goldens=root)
    assert not full.verdict.drops and not full.verdict.failed
