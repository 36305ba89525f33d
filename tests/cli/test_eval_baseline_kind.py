"""A baseline of the other command is refused saying what it is, not with a validation problem per key.

`claimflow eval` given a labelled set's baseline (`eval dataset`'s), or `eval dataset` given one of golden cases,
listed `documents: Extra inputs are not permitted; ...`. Now each names the kind of file it was given, and
`eval dataset --update-baseline` does not write a labelled set's run over a baseline of golden cases.
"""

from __future__ import annotations

import json
from pathlib import Path

from claimflow.evals.baseline import baseline_path
from claimflow.evals.baseline_kind import kind_of
from tests.cli.conftest import Invoke
from tests.cli.test_eval_dataset import labelled  # noqa: F401 - the fixture

GOLDEN = "is a baseline of golden cases (`claimflow eval`; "
DATASET = "is a labelled set's baseline (`claimflow eval dataset`; "


def test_golden_cases_refuse_a_labelled_sets_baseline(
    claimflow: Invoke,
    labelled: Path,  # noqa: F811 - the fixture
) -> None:
    assert claimflow("eval", "dataset", labelled, "--update-baseline").exit_code == 0
    theirs = labelled / "baseline.rules.json"

    refused = claimflow("eval", "--step", "route_parse", "--baseline", theirs)

    assert refused.exit_code == 2, refused.output
    line = " ".join(refused.stderr.split())
    assert line.startswith(f"error: {theirs} {DATASET}"), line
    assert "not a baseline of golden cases" in line and "Extra inputs" not in line


def test_a_labelled_set_refuses_a_baseline_of_golden_cases_and_does_not_write_over_it(
    claimflow: Invoke,
    labelled: Path,  # noqa: F811 - the fixture
) -> None:
    golden = labelled / "golden.json"
    golden.write_bytes(baseline_path("rules").read_bytes())

    for args in ((), ("--update-baseline",)):
        refused = claimflow("eval", "dataset", labelled, "--baseline", golden, *args)
        assert refused.exit_code == 2, refused.output
        line = " ".join(refused.stderr.split())
        assert f"{golden} {GOLDEN}" in line and "not a labelled set's baseline" in line, line
        assert "Extra inputs" not in line
    assert golden.read_bytes() == baseline_path("rules").read_bytes()


def test_the_kind_is_told_by_the_keys_only_one_kind_has() -> None:
    assert kind_of({"model": "rules", "cases": {}}) == "golden"
    assert kind_of({"classify-a": True}) == "golden"  # the earlier format: case id -> passed
    assert kind_of({"model": "rules", "documents": {}, "misses": []}) == "dataset"
    assert kind_of({"model": "rules"}) is None and kind_of({"cases": {}, "misses": []}) is None
    assert kind_of(json.loads("[]")) is None


def test_a_baseline_that_does_not_load_stops_the_run_before_any_document_is_run(
    claimflow: Invoke,
    labelled: Path,  # noqa: F811 - the fixture
) -> None:
    # Loaded after the documents ran, a broken baseline was told only once a live model's calls were paid for.
    golden, runs = labelled / "golden.json", labelled.parent / "kept-runs"
    golden.write_bytes(baseline_path("rules").read_bytes())

    refused = claimflow("eval", "dataset", labelled, "--baseline", golden, "--data-dir", runs)

    assert refused.exit_code == 2, refused.output
    assert not runs.exists(), "no document was run"
