"""`claimflow eval` on a user's own goldens: their document types, their baseline, and setup errors as exit 2.

Exit 1 means "regression" to CI; a folder, a file, a type or a report path that is wrong is a setup error (2),
said in one line naming what to fix, never a traceback.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

from claimflow.evals.baseline import baseline_path
from claimflow.evals.golden import GOLDENS
from tests.evals._expense_claim import RULE, declaration

Invoke = Callable[..., Result]

EXPENSE = RULE + declaration(titles=True)

OVER_BUDGET: dict[str, Any] = {
    "kind": "rule",
    "name": "over-budget",
    "step": "rules_expense_claim",
    "doc_type": "expense_claim",
    "values": {"employee": "Jane Roe", "amount": "120.50", "budget": "100.00"},
    "expected": [
        {"rule": "required_fields_present", "passed": True},
        {"rule": "amount_within_budget", "passed": False},
    ],
}

RECEIPT: dict[str, Any] = {
    "kind": "rule",
    "name": "own-receipt",
    "step": "rules_receipt",
    "doc_type": "receipt",
    "values": {"vendor_name": "Shop", "issue_date": "2024-05-02", "total_amount": "5.00"},
    "expected": [
        {"rule": "required_fields_present", "passed": True},
        {"rule": "date_plausible", "passed": True},
        {"rule": "total_positive", "passed": True},
    ],
}


def _write_case(root: Path, case: dict[str, Any]) -> Path:
    path: Path = root / case["step"] / f"{case['name']}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(case), encoding="utf-8")
    return path


def _one_line_error(result: Result) -> str:
    """The single `error: ...` line a setup error prints (asserting there is exactly one line)."""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.output
    return lines[0]


@pytest.fixture
def expense(tmp_path: Path) -> Path:
    """A user's own type in a file, and a goldens folder with one case of it."""
    (tmp_path / "expense.py").write_text(EXPENSE, encoding="utf-8")
    _write_case(tmp_path / "goldens", OVER_BUDGET)
    return tmp_path


@pytest.mark.parametrize("how", ["--types", "CLAIMFLOW_TYPES", "claimflow.toml"])
def test_cases_of_a_users_own_type_run_with_the_types_discovery_finds(
    claimflow: Invoke, expense: Path, how: str
) -> None:
    args: list[str | Path] = ["eval", "--goldens", expense / "goldens", "--json"]
    env: dict[str, str] = {}
    if how == "--types":
        args += ["--types", "expense.py"]
    elif how == "CLAIMFLOW_TYPES":
        env["CLAIMFLOW_TYPES"] = "expense.py"
    else:
        (expense / "claimflow.toml").write_text('types = ["expense.py"]\n', encoding="utf-8")
    result = claimflow(*args, env=env)
    assert result.exit_code == 0, result.output
    [case] = json.loads(result.stdout)["cases"]
    assert (case["id"], case["passed"]) == ("rules_expense_claim-over-budget", True)


def test_a_case_of_a_type_that_is_not_active_is_refused_naming_its_file(claimflow: Invoke, expense: Path) -> None:
    result = claimflow("eval", "--goldens", expense / "goldens")
    assert result.exit_code == 2, result.output
    line = _one_line_error(result)
    assert "'expense_claim'" in line
    assert str(expense / "goldens" / "rules_expense_claim" / "over-budget.json") in line
    assert "active: invoice, receipt, contract" in line and "--types" in line


def test_a_malformed_case_is_named_by_its_file(claimflow: Invoke, tmp_path: Path) -> None:
    broken = {key: value for key, value in RECEIPT.items() if key != "expected"}
    path = _write_case(tmp_path / "goldens", broken)
    result = claimflow("eval", "--goldens", tmp_path / "goldens")
    assert result.exit_code == 2, result.output
    line = _one_line_error(result)
    assert line.startswith(f"error: {path} is not a valid golden case: ")
    assert "expected: Field required" in line


def test_a_report_into_a_missing_folder_is_refused_before_any_case_runs(claimflow: Invoke, tmp_path: Path) -> None:
    report = tmp_path / "no" / "such" / "report.html"
    result = claimflow("eval", "--step", "rules_receipt", "--report", report)
    assert result.exit_code == 2, result.output
    assert f"the folder {report.parent} does not exist" in _one_line_error(result)
    assert result.stdout == ""


def test_a_missing_or_empty_goldens_folder_is_refused(claimflow: Invoke, tmp_path: Path) -> None:
    missing = claimflow("eval", "--goldens", tmp_path / "nowhere")
    assert missing.exit_code == 2, missing.output
    assert f"the goldens folder {tmp_path / 'nowhere'} does not exist" in _one_line_error(missing)
    # A file is no folder of cases; it was said not to exist.
    a_file = tmp_path / "cases.json"
    a_file.write_text("{}")
    not_a_folder = claimflow("eval", "--goldens", a_file)
    assert not_a_folder.exit_code == 2, not_a_folder.output
    assert f"the goldens folder {a_file} is not a folder: " in _one_line_error(not_a_folder)
    (tmp_path / "empty").mkdir()
    empty = claimflow("eval", "--goldens", tmp_path / "empty")
    assert empty.exit_code == 2, empty.output
    assert f"{tmp_path / 'empty'} holds no golden case" in _one_line_error(empty)


def test_a_selection_that_matches_no_case_is_refused_naming_it(claimflow: Invoke) -> None:
    result = claimflow("eval", "--step", "rules_receipt", "--type", "invoice")
    assert result.exit_code == 2, result.output
    line = _one_line_error(result)
    assert f"--step rules_receipt --type invoice matches none of the {len(list(GOLDENS.glob('*/*.json')))}" in line
    assert "its steps: apply, classify," in line


def test_own_goldens_gate_against_and_update_their_own_baseline_never_the_packages(
    claimflow: Invoke, tmp_path: Path
) -> None:
    package_baseline = baseline_path("replay")
    before = package_baseline.read_bytes()
    goldens = tmp_path / "goldens"
    case = _write_case(goldens, RECEIPT)
    written = claimflow("eval", "--goldens", goldens, "--update-baseline")
    assert written.exit_code == 0, written.output
    own = goldens / "baseline.replay.json"
    assert json.loads(own.read_text())["cases"] == {"rules_receipt-own-receipt": True}
    assert f"wrote {own}" in written.stderr
    assert package_baseline.read_bytes() == before
    # The case now fails: a regression against the folder's own baseline (the package's has never seen it).
    case.write_text(json.dumps(RECEIPT | {"expected": RECEIPT["expected"][:2]}), encoding="utf-8")
    gated = claimflow("eval", "--goldens", goldens)
    assert gated.exit_code == 1, gated.output
    assert "flipped rules_receipt-own-receipt: passed -> failed" in gated.stdout
    assert "regression against baseline.replay.json" in gated.stderr


def test_a_failing_case_with_no_baseline_yet_is_no_regression_and_still_fails(
    claimflow: Invoke, tmp_path: Path
) -> None:
    # It said "regression against baseline.replay.json" of a file that did not exist.
    goldens = tmp_path / "goldens"
    _write_case(goldens, RECEIPT | {"expected": RECEIPT["expected"][:2]})  # total_positive's result left out

    gated = claimflow("eval", "--goldens", goldens)

    assert gated.exit_code == 1, gated.output
    assert "regression" not in gated.stderr, gated.stderr
    said = " ".join(gated.stderr.split())
    assert "the gate does not pass (no baseline yet at baseline.replay.json): 1 new case(s) failing" in said, said
    assert not (goldens / "baseline.replay.json").exists()


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('{"model": "replay", "tolerances": {"precision": 0.05},}', "not JSON ("),
        ('{"model": "replay", "tolerances": {"precision": "5%"}}', "tolerances.precision: Input should be a valid"),
        ('{"model": "replay", "tolerance": {"precision": 0.05}}', "tolerance: Extra inputs are not permitted"),
    ],
)
def test_a_baseline_that_does_not_load_is_refused_naming_its_file(
    claimflow: Invoke, tmp_path: Path, text: str, problem: str
) -> None:
    # A hand-edited tolerance is the README's way to loosen the gate: its typo got pydantic's lines, or a JSON
    # error naming no file, after every case had run.
    goldens = tmp_path / "goldens"
    _write_case(goldens, RECEIPT)
    (goldens / "baseline.replay.json").write_text(text, encoding="utf-8")
    result = claimflow("eval", "--goldens", goldens)
    assert result.exit_code == 2, result.output
    line = _one_line_error(result)
    assert line.startswith(f"error: {goldens / 'baseline.replay.json'} is not a valid baseline: {problem}"), line
    assert line.endswith("fix the file, or delete it and write a new one with --update-baseline")
    assert result.stdout == ""


@pytest.mark.parametrize("command", [["eval"], ["eval", "dataset"], ["eval", "calibrate"], ["eval", "capture"]])
def test_every_eval_command_takes_types(claimflow: Invoke, command: list[str]) -> None:
    result = claimflow(*command, "--help")
    assert result.exit_code == 0, result.output
    assert "--types" in result.stdout


def test_eval_dataset_measures_a_users_own_type_named_with_types(claimflow: Invoke, expense: Path) -> None:
    labelled = expense / "labelled"
    (labelled / "docs").mkdir(parents=True)
    text = "Expense Claim\nEmployee: Jane Roe\nAmount: 80.00 EUR\nBudget: 100.00 EUR\n"
    (labelled / "docs" / "claim.txt").write_text(text, encoding="utf-8")
    line = {"id": "c1", "file": "docs/claim.txt", "doc_type": "expense_claim", "expected": {"employee": "Jane Roe"}}
    (labelled / "manifest.jsonl").write_text(json.dumps(line) + "\n", encoding="utf-8")
    result = claimflow("eval", "dataset", labelled, "--json", "--types", "expense.py")
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    assert figures["types"]["expense_claim"]["fields"]["employee"]["right"] == 1


def test_a_baseline_that_cannot_be_read_is_named(claimflow: Invoke, tmp_path: Path) -> None:
    # A folder given as --baseline stopped the run with "[Errno 21] Is a directory: '...'", no word of a baseline.
    result = claimflow("eval", "--step", "rules_receipt", "--baseline", tmp_path)
    assert result.exit_code == 2, result.output
    assert _one_line_error(result) == f"error: the baseline {tmp_path} cannot be read: Is a directory"
    assert result.stdout == ""


def test_a_new_failing_case_is_said_to_become_a_known_failure_if_the_baseline_takes_it(
    claimflow: Invoke, tmp_path: Path
) -> None:
    # A first hand-written case that left a rule's result out was met with "if the change is intended, run
    # again with --update-baseline": taken at its word, the wrong case then passed the gate as a known failure.
    goldens = tmp_path / "goldens"
    _write_case(goldens, RECEIPT | {"expected": RECEIPT["expected"][:2]})  # total_positive's result left out

    gated = claimflow("eval", "--goldens", goldens)

    assert gated.exit_code == 1, gated.output
    said = " ".join(gated.stderr.split())
    assert (
        "1 new case(s) failing; if the change is intended, run again with --update-baseline to accept it (a new "
        "case is then recorded as a known failure, which passes the gate for as long as it fails: check its "
        "expected values first)"
    ) in said, said
    assert claimflow("eval", "--goldens", goldens, "--update-baseline").exit_code == 0
    kept = claimflow("eval", "--goldens", goldens)
    assert kept.exit_code == 0 and "failing as in the baseline: rules_receipt-own-receipt" in kept.stdout, kept.output


def test_a_version_bump_shows_the_old_prompt_gone_and_the_new_one_new(claimflow: Invoke, expense: Path) -> None:
    # Listed bare, `extract_expense_claim@1, extract_expense_claim@2` read as two prompts that changed.
    goldens = expense / "goldens"
    assert claimflow("eval", "--goldens", goldens, "--types", "expense.py", "--update-baseline").exit_code == 0
    (expense / "expense.py").write_text(RULE + declaration(titles=True, version="2"), encoding="utf-8")

    result = claimflow("eval", "--goldens", goldens, "--types", "expense.py")

    assert result.exit_code == 0, result.output
    [line] = [line for line in result.stdout.splitlines() if line.startswith("changed since the baseline: ")]
    assert "extract_expense_claim@1 (no longer in force), extract_expense_claim@2 (new), " in line, line
    assert line.endswith("types/expense_claim/expense.py"), line
