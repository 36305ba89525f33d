"""Baseline files shared by runs in one folder: read whole while another run rewrites them, and never passed over.

A replay run reads every live model's baseline beside its own to tell whether a changed prompt was measured; a
file it could not load was skipped, so a merge conflict in `baseline.openai-M.json` made the gate say "run with
--model M" (exit 3) about a prompt that file measured. And a baseline was rewritten in place: a run reading it
meanwhile found it empty.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from typer.testing import Result

from claimflow.evals.baseline import Baseline, load_baseline, write_baseline
from claimflow.evals.errors import BaselineError
from tests.evals._expense_claim import RULE, declaration

Invoke = Callable[..., Result]

PAGE = "EXPENSE CLAIM\nEmployee: Jane Roe\nAmount: 80.00\nBudget: 100.00\n"


def _folder_with_a_changed_prompt(tmp_path: Path, claimflow: Invoke) -> tuple[Path, Path]:
    """A type file and a goldens folder whose one case was recorded under the type's prompt @1, now @2."""
    types, goldens = tmp_path / "expense.py", tmp_path / "goldens"
    start = PAGE.index("Jane Roe")
    evidence = {"quote": "Jane Roe", "page": 1, "start": start, "end": start + 8}
    case = {
        "kind": "model_step", "name": "jane", "step": "extract_expense_claim", "prompt": "extract_expense_claim@1",
        "pages": [PAGE], "doc_type": "expense_claim",
        "recorded_claim": {"fields": [{"field": "employee", "value": "Jane Roe", "confidence": 0.9,
                                       "evidence": evidence}], "rows": []},
        "expected": {"fields": {"employee": {"value": "Jane Roe"}}, "route": "arbitrate_expense_claim"},
    }  # fmt: skip
    (goldens / "extract_expense_claim").mkdir(parents=True)
    (goldens / "extract_expense_claim" / "jane.json").write_text(json.dumps(case), encoding="utf-8")
    types.write_text(RULE + declaration(titles=True, version="1"), encoding="utf-8")
    written = claimflow("eval", "--goldens", goldens, "--types", types, "--update-baseline")
    assert written.exit_code == 0, written.output
    types.write_text(RULE + declaration(titles=True, version="2"), encoding="utf-8")
    return types, goldens


def test_a_live_baseline_that_does_not_load_is_named_not_passed_over(claimflow: Invoke, tmp_path: Path) -> None:
    types, goldens = _folder_with_a_changed_prompt(tmp_path, claimflow)
    live = goldens / "baseline.openai-fake-model.json"
    live.write_text('<<<<<<< HEAD\n{"model": "openai:fake-model", "cases": {}}\n', encoding="utf-8")

    gated = claimflow("eval", "--goldens", goldens, "--types", types)

    assert gated.exit_code == 2, gated.output
    said = " ".join(gated.stderr.split())
    assert "replay cannot tell whether a live model measured extract_expense_claim-jane" in said
    assert f"{live} is not a valid baseline: not JSON" in said
    assert "run with --model" not in gated.output

    # A live baseline with a key its model does not have is as broken as one that is not JSON.
    live.write_text(json.dumps({"model": "openai:fake-model", "casess": {}}), encoding="utf-8")
    misspelt = claimflow("eval", "--goldens", goldens, "--types", types)
    assert misspelt.exit_code == 2, misspelt.output
    assert "casess: Extra inputs are not permitted" in " ".join(misspelt.stderr.split())


def test_files_beside_that_are_no_live_golden_baseline_are_still_passed_over(claimflow: Invoke, tmp_path: Path) -> None:
    types, goldens = _folder_with_a_changed_prompt(tmp_path, claimflow)
    # A labelled set's baseline (`eval dataset`), and an offline model's: neither measures a prompt.
    dataset = {"model": "openai:fake-model", "documents": {"inv-1": "ab12"}, "figures": {}, "misses": []}
    (goldens / "baseline.openai-fake-model.json").write_text(json.dumps(dataset), encoding="utf-8")
    (goldens / "baseline.rules.json").write_text(json.dumps({"model": "rules", "cases": {}}), encoding="utf-8")

    gated = claimflow("eval", "--goldens", goldens, "--types", types)

    assert gated.exit_code == 3, gated.output
    assert "not measured extract_expense_claim-jane" in gated.stdout


_REWRITE = """
import sys, time
from pathlib import Path
from claimflow.evals.baseline import load_baseline, write_baseline
path = Path(sys.argv[1])
baseline = load_baseline(path, "replay")
print("ready", flush=True)
end = time.monotonic() + float(sys.argv[2])
while time.monotonic() < end:
    write_baseline(path, baseline)
"""


def test_a_baseline_read_while_another_process_rewrites_it_is_whole(tmp_path: Path) -> None:
    path = tmp_path / "baseline.replay.json"
    cases = {f"rules_invoice-case-{n}": n % 2 == 0 for n in range(400)}  # a file of some size, written in one go
    write_baseline(path, Baseline(model="replay", cases=cases))
    writer = subprocess.Popen([sys.executable, "-c", _REWRITE, str(path), "3"], stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout is not None and writer.stdout.readline() == "ready\n"
        failures, reads, end = [], 0, time.monotonic() + 2.0
        while time.monotonic() < end:
            try:
                assert load_baseline(path, "replay").cases == cases
            except BaselineError as error:
                failures.append(str(error))
            reads += 1
    finally:
        writer.wait(timeout=30)
        if writer.stdout is not None:
            writer.stdout.close()
    assert reads > 100
    assert failures == [], f"{len(failures)} of {reads} reads: {failures[0]}"
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary file left beside it


def test_a_baseline_that_cannot_be_written_is_named_not_its_temporary_file(tmp_path: Path) -> None:
    path = tmp_path / "nowhere" / "baseline.replay.json"
    try:
        write_baseline(path, Baseline(model="replay"))
    except OSError as error:
        assert error.filename == str(path)
    else:
        raise AssertionError("a baseline was written into a folder that does not exist")
