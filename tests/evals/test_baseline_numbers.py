"""A baseline's tolerances and figures are refused when the gate could not read them as meant.

A negative tolerance failed a run that changed nothing, a misspelt one loosened nothing and was kept by every
rewrite, a NaN could never be dropped from and a rate of 1.5 could be dropped from with nothing worse. Each is
refused when the file loads, naming the file and the key.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from claimflow.evals.baseline import load_baseline
from claimflow.evals.dataset_gate import load_dataset_baseline
from claimflow.evals.errors import BaselineError

GOLDEN: dict[str, Any] = {
    "model": "replay",
    "cases": {"classify-a": True},
    "metrics": {"classify": {"kind": "model_step", "cases": 1, "pass_rate": 1.0, "type_accuracy": 1.0, "cost": 0.0}},
    "tolerances": {"precision": 0.0},
}
DATASET: dict[str, Any] = {
    "model": "rules",
    "documents": {"inv-1": "f" * 64},
    "figures": {"exact_match_rate": 0.5, "auto_accepted_precision": None, "completion_rate": 1.0},
    "misses": [],
    "measured": {"inv-1": {"total_amount": 1}},
}


def _written(tmp_path: Path, content: dict[str, Any]) -> Path:
    path = tmp_path / "baseline.json"
    path.write_text(json.dumps(content), encoding="utf-8")  # NaN and Infinity as Python's json writes them
    return path


def test_a_baseline_of_shares_and_known_tolerances_loads(tmp_path: Path) -> None:
    assert load_baseline(_written(tmp_path, GOLDEN), "replay").tolerances == {"precision": 0.0}
    assert load_dataset_baseline(_written(tmp_path, DATASET)) is not None


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"tolerances": {"precision": -0.1}}, "tolerances: 'precision': -0.1 is not a share in [0, 1]: a tolerance"),
        ({"tolerances": {"prcision": 0.5}}, "tolerances: 'prcision' is not a metric the gate watches (did you mean "
                                             "'precision'?); the metrics: pass_rate, "),
        ({"tolerances": {"recall": float("nan")}}, "tolerances: 'recall': nan is not a number one can compare with"),
        ({"tolerances": {"recall": 2}}, "tolerances: 'recall': 2.0 is not a share in [0, 1]"),
        ({"metrics": {"classify": {"pass_rate": 1.5}}}, "metrics: classify.pass_rate: 1.5 is not a share in [0, 1]"),
        ({"metrics": {"classify": {"pass_rate": float("nan")}}}, "metrics: classify.pass_rate: nan is not a number"),
        ({"metrics": {"classify": {"type_accuracy": True}}}, "metrics: classify.type_accuracy: True is not a number"),
        ({"metrics": {"classify": {"cost": float("inf")}}}, "metrics: classify.cost: inf is not a number"),
        ({"model": ""}, "model: String should have at least 1 character"),
    ],
)  # fmt: skip
def test_a_golden_baseline_the_gate_cannot_read_as_meant_is_refused(
    tmp_path: Path, change: dict[str, Any], problem: str
) -> None:
    path = _written(tmp_path, GOLDEN | change)
    with pytest.raises(BaselineError) as refused:
        load_baseline(path, "replay")
    assert str(refused.value).startswith(f"{path} is not a valid baseline: {problem}"), str(refused.value)


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"figures": {"exact_match_rate": 1.5}}, "figures: 'exact_match_rate': 1.5 is not a share in [0, 1]"),
        ({"figures": {"exact_match_rate": float("nan")}}, "figures: 'exact_match_rate': nan is not a number"),
        ({"figures": {"exact_match": 0.5}}, "figures: 'exact_match' is not a headline figure (did you mean "
                                            "'exact_match_rate'?)"),
        ({"model": ""}, "model: String should have at least 1 character"),
    ],
)  # fmt: skip
def test_a_dataset_baseline_the_gate_cannot_read_as_meant_is_refused(
    tmp_path: Path, change: dict[str, Any], problem: str
) -> None:
    path = _written(tmp_path, DATASET | change)
    with pytest.raises(BaselineError) as refused:
        load_dataset_baseline(path)
    assert str(refused.value).startswith(f"{path} is not a valid baseline: {problem}"), str(refused.value)
