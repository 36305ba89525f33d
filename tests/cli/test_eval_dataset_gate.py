"""`eval dataset` gated against a baseline of the labelled set: a field that got worse fails it (exit 1).

The set is `test_eval_dataset`'s eight invoices, two of them labelled wrong on purpose, so a run has two misses
(`inv-2` total_amount, `inv-3` invoice_number). A baseline edited as a run before a change would have left it
stands for that run: a miss it does not have is a field that was right then.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.cli.conftest import Invoke
from tests.cli.test_eval_dataset import labelled  # noqa: F401 - the fixture
from tests.fakes.openai_server import document_run_replies, error_reply, running_server

BASELINE = "baseline.rules.json"


def _gate(claimflow: Invoke, folder: Path, *args: str, code: int = 0) -> dict[str, Any]:
    result = claimflow("eval", "dataset", folder, "--json", *args)
    assert result.exit_code == code, result.output
    gate: dict[str, Any] = json.loads(result.stdout)["gate"]
    return gate


def _edit(path: Path, **changes: Any) -> dict[str, Any]:
    content = json.loads(path.read_text(encoding="utf-8"))
    content.update(changes)
    path.write_text(json.dumps(content), encoding="utf-8")
    return dict(content)


def test_a_run_like_its_baseline_passes_and_a_field_right_before_fails_it(
    claimflow: Invoke,
    labelled: Path,  # noqa: F811 - the fixture
) -> None:
    first = claimflow("eval", "dataset", labelled)
    assert first.exit_code == 0 and f"no baseline at {labelled / BASELINE}" in first.stderr.replace("\n", "")
    wrote = claimflow("eval", "dataset", labelled, "--update-baseline")
    assert wrote.exit_code == 0 and "wrote" in wrote.stderr
    baseline = json.loads((labelled / BASELINE).read_text(encoding="utf-8"))
    assert baseline["model"] == "rules" and sorted(baseline["documents"]) == [f"inv-{index}" for index in range(8)]
    assert sorted((miss["document"], miss["field"]) for miss in baseline["misses"]) == [
        ("inv-2", "total_amount"),
        ("inv-3", "invoice_number"),
    ]

    same = _gate(claimflow, labelled)
    assert (same["failed"], same["regressions"], same["fixed"], same["not_compared"]) == (False, [], [], [])

    # Before some change, inv-2's total was right: the run now accepts a value the label does not give.
    _edit(labelled / BASELINE, misses=[m for m in baseline["misses"] if m["document"] != "inv-2"])
    worse = _gate(claimflow, labelled, code=1)
    assert worse["failed"] is True
    [regression] = worse["regressions"]
    assert (regression["document"], regression["field"]) == ("inv-2", "total_amount")
    assert regression["why"] == 'was right, now wrong: "142.00"'
    shown = claimflow("eval", "dataset", labelled)
    assert shown.exit_code == 1 and f"regression against {BASELINE}" in shown.stderr
    # Accepting records the regressed miss as known: said, as `claimflow eval` says it of a new failing case.
    assert (
        "; if the change is intended, run again with --update-baseline to accept it (each field that got worse is"
        " then recorded as a known failure, which passes the gate for as long as it gets no worse: make sure each is"
        " meant first)"
    ) in " ".join(shown.stderr.split())
    assert "1 regression(s)" in shown.stdout and 'was right, now wrong: "142.00"' in shown.stdout
    # As said: accepted, the miss is the baseline's, and the gate passes while it gets no worse.
    assert claimflow("eval", "dataset", labelled, "--update-baseline").exit_code == 0
    kept = _gate(claimflow, labelled)
    assert (kept["failed"], kept["regressions"]) == (False, [])


def test_fixed_misses_new_and_relabelled_documents_are_told_apart(
    claimflow: Invoke,
    labelled: Path,  # noqa: F811 - the fixture
) -> None:
    assert claimflow("eval", "dataset", labelled, "--update-baseline").exit_code == 0
    baseline = json.loads((labelled / BASELINE).read_text(encoding="utf-8"))
    stale = {**baseline["misses"][0], "document": "inv-5", "field": "issue_date", "wrong": ["2024-01-01"]}
    _edit(labelled / BASELINE, misses=[*baseline["misses"], stale])
    manifest = labelled / "manifest.jsonl"
    lines = [json.loads(line) for line in manifest.read_text(encoding="utf-8").splitlines()]
    lines[3]["expected"]["invoice_number"] = "INV-1004"  # the wrong label put right: inv-3 is judged anew
    lines[3]["expected"]["total_amount"] = "1.00"  # and a new wrong one, which is not a regression
    manifest.write_text("\n".join(json.dumps(line) for line in lines[:7]) + "\n", encoding="utf-8")  # inv-7 gone

    gate = _gate(claimflow, labelled)

    assert gate["failed"] is False and gate["regressions"] == []
    assert [(miss["document"], miss["field"]) for miss in gate["fixed"]] == [("inv-5", "issue_date")]
    assert gate["not_compared"] == ["inv-3"] and gate["gone"] == ["inv-7"]
    assert gate["figures"]["exact_match_rate"]["baseline"] == 0.75


def test_a_baseline_that_does_not_load_stops_the_command_without_a_verdict(
    claimflow: Invoke,
    labelled: Path,  # noqa: F811 - the fixture
) -> None:
    (labelled / BASELINE).write_text('{"model": "rules", "misses": [], "casez": {}}', encoding="utf-8")
    broken = claimflow("eval", "dataset", labelled)
    assert broken.exit_code == 2 and "is not a valid baseline" in broken.stderr and "casez" in broken.stderr
    # A baseline of golden cases is said to be one (tests/cli/test_eval_baseline_kind.py).
    (labelled / BASELINE).write_text('{"model": "rules", "cases": {}}', encoding="utf-8")
    other = claimflow("eval", "dataset", labelled)
    assert other.exit_code == 2 and "is a baseline of golden cases" in other.stderr
    (labelled / BASELINE).write_text("{not json", encoding="utf-8")
    garbled = claimflow("eval", "dataset", labelled)
    assert garbled.exit_code == 2 and "not JSON" in garbled.stderr


def test_a_model_that_does_not_answer_is_a_setup_error_not_regressions(
    claimflow: Invoke,
    labelled: Path,  # noqa: F811 - the fixture
) -> None:
    with running_server() as server:
        live = ("--model", "openai:fake-model", "--base-url", server.base_url)
        server.script(*[replies for _ in range(8) for replies in document_run_replies("invoice")])
        wrote = claimflow("eval", "dataset", labelled, *live, "--update-baseline")
        assert wrote.exit_code == 0, wrote.output
        baseline = (labelled / "baseline.openai-fake-model.json").read_text(encoding="utf-8")

        # Every call now gets a 500: the runs fail without an answer, which measures the server, not the model.
        env = {"CLAIMFLOW_MODEL_MAX_ATTEMPTS": "1"}
        for args in ((), ("--json",), ("--update-baseline",)):
            server.script(*[error_reply(500, "overloaded")] * 8)  # each run's classify call
            done = claimflow("eval", "dataset", labelled, *live, *args, env=env)
            assert done.exit_code == 2, done.output
            assert "regression" not in done.output and done.stdout == ""
            [line] = done.stderr.strip().splitlines()
            assert line.startswith("error: the model openai:fake-model did not answer for 8 of 8 document(s)"), line
            assert "500" in line
        assert (labelled / "baseline.openai-fake-model.json").read_text(encoding="utf-8") == baseline

        # In a data directory of the user's, the failed runs stand for their documents: the line says so.
        server.script(*[error_reply(500, "overloaded")] * 8)
        kept = claimflow("eval", "dataset", labelled, *live, "--data-dir", labelled.parent / "dd", env=env)
        assert kept.exit_code == 2, kept.output
        assert f"claimflow rerun --failed --data-dir {labelled.parent / 'dd'}" in kept.stderr.replace("\n", "")


def test_runs_an_earlier_command_left_in_the_data_directory_are_named_as_not_run_again(
    claimflow: Invoke,
    labelled: Path,  # noqa: F811 - the fixture
) -> None:
    data = labelled.parent / "kept"
    first = claimflow("eval", "dataset", labelled, "--data-dir", data)
    assert first.exit_code == 0, first.output
    assert "not run again" not in first.stderr
    # A changed prompt or another model would be measured on nothing: the figures are the earlier runs'.
    again = claimflow("eval", "dataset", labelled, "--data-dir", data)
    assert again.exit_code == 0, again.output
    warning = " ".join(again.stderr.split())
    assert "warning: 8 of 8 document(s) (inv-0, inv-1, inv-2, inv-3, inv-4, ...) were not run again:" in warning
    assert "leave out --data-dir (or name a fresh one)" in warning
