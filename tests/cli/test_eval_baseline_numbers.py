"""`claimflow eval` refuses a baseline whose tolerance it cannot read as meant (exit 2), also when rewriting it.

A misspelt tolerance used to be kept by `--update-baseline` and loosen nothing, and a negative one failed a run
that changed nothing (`dropped: 1.000 -> 1.000`).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from claimflow.evals.baseline import baseline_path
from tests.cli.conftest import Invoke


@pytest.mark.parametrize("args", [(), ("--update-baseline",)])
@pytest.mark.parametrize("tolerances", [{"pass_rate": -0.1}, {"pas_rate": 0.5}])
def test_a_baseline_with_a_tolerance_the_gate_cannot_read_is_refused(
    claimflow: Invoke, tmp_path: Path, args: tuple[str, ...], tolerances: dict[str, float]
) -> None:
    content = json.loads(baseline_path("replay").read_text(encoding="utf-8")) | {"tolerances": tolerances}
    path = tmp_path / "baseline.json"
    path.write_text(json.dumps(content), encoding="utf-8")

    result = claimflow("eval", "--step", "route_parse", "--baseline", path, *args)

    assert result.exit_code == 2, result.output
    assert f"error: {path} is not a valid baseline: tolerances: " in result.stderr.replace("\n", "")
    assert "dropped" not in result.output and json.loads(path.read_text(encoding="utf-8")) == content
