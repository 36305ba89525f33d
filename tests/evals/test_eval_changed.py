"""`claimflow eval --changed`: only the cases a changed prompt or source file can affect run again."""

from __future__ import annotations

import importlib
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from claimflow.doctypes import BUILTIN_TYPES
from claimflow.evals.baseline import CODE_FOLDERS, ROOT, code_hashes
from claimflow.evals.changed import PROMPTS_SKIP_DOCUMENTS
from claimflow.evals.evaluation import evaluate_goldens
from claimflow.evals.golden import GOLDENS, GoldenCase, load_goldens
from claimflow.evals.select import case_type
from claimflow.runtime.discovery import discover_types
from claimflow.runtime.version import DECISION_CODE
from tests.evals._expense_claim import RULE, declaration
from tests.integration._docs import run_cli

BASELINE = GOLDENS.parent / "baseline.replay.json"
CASES = load_goldens()


def _baseline(tmp_path: Path, change: Callable[[dict[str, Any]], None]) -> Path:
    """A copy of the committed baseline whose record of one input differs, as after editing that input."""
    data = json.loads(BASELINE.read_text())
    change(data)
    path = tmp_path / "baseline.replay.json"
    path.write_text(json.dumps(data))
    return path


def _other_hash(section: str, name: str) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        assert name in data[section]
        data[section][name] = "0" * 64

    return change


def _ran(*args: str | Path, exit_code: int = 0) -> tuple[set[str], str]:
    done = run_cli("eval", "--changed", "--json", *args)
    assert done.returncode == exit_code, done.stdout + done.stderr
    return set(json.loads(done.stdout)["changed"]["ran"]), done.stderr


NOT_MEASURED = 3
"""A baseline that recorded another text of a prompt: the hand-written cases of its step (no `prompt_sha256`)
answered that text, and replay cannot measure the one in force (`evals/unmeasured.py`)."""


def _ids(keep: Callable[[GoldenCase], bool]) -> set[str]:
    return {case.id for case in CASES if keep(case)}


def test_a_changed_prompt_runs_only_its_step(tmp_path: Path) -> None:
    baseline = _baseline(tmp_path, _other_hash("prompts", "extract_invoice@4"))
    ran, printed = _ran("--baseline", baseline, exit_code=NOT_MEASURED)
    assert ran == _ids(lambda c: c.step == "extract_invoice")
    assert "selected extract_invoice: prompt extract_invoice@4 changed" in printed.splitlines()
    # Document cases run on the rules backend, which reads no prompt: a prompt edit cannot change them.
    assert PROMPTS_SKIP_DOCUMENTS in printed.splitlines()
    assert "selected classify" not in printed and "selected document" not in printed


def test_a_changed_prompt_beside_changed_code_still_runs_the_document_cases(tmp_path: Path) -> None:
    def both(data: dict[str, Any]) -> None:
        _other_hash("prompts", "classify@3")(data)
        _other_hash("code", "routing/routers.py")(data)

    ran, printed = _ran("--baseline", _baseline(tmp_path, both), exit_code=NOT_MEASURED)
    assert ran == _ids(lambda c: c.step in ("classify", "document") or c.step.startswith("route_"))
    assert PROMPTS_SKIP_DOCUMENTS not in printed


def test_a_changed_common_rule_runs_every_rules_step_and_the_document_cases(tmp_path: Path) -> None:
    baseline = _baseline(tmp_path, _other_hash("code", "state/rules/common.py"))
    ran, printed = _ran("--baseline", baseline)
    assert ran == _ids(lambda c: c.step.startswith("rules_") or c.step == "document")
    assert "selected rules_invoice: code state/rules/common.py changed" in printed.splitlines()


def test_a_changed_type_runs_every_case_of_that_type_and_only_those(tmp_path: Path) -> None:
    baseline = _baseline(tmp_path, _other_hash("code", "doctypes/receipt.py"))
    ran, printed = _ran("--baseline", baseline)
    assert ran == _ids(lambda c: case_type(c) == "receipt")
    assert {case_id.partition("-")[0] for case_id in ran} >= {"rules_receipt", "extract_receipt", "document"}
    assert not any(case_id.startswith("rules_invoice") for case_id in ran)
    assert "selected rules_receipt (receipt cases): code doctypes/receipt.py changed" in printed.splitlines()


def test_a_changed_router_runs_the_router_cases_and_every_document_case(tmp_path: Path) -> None:
    baseline = _baseline(tmp_path, _other_hash("code", "routing/routers.py"))
    ran, _ = _ran("--baseline", baseline)
    assert ran == _ids(lambda c: c.step.startswith("route_") or c.step == "document")


def test_a_changed_evidence_check_runs_every_case(tmp_path: Path) -> None:
    # Apply accepts a claim by what the evidence check says: an edit there can change any case's outcome.
    baseline = _baseline(tmp_path, _other_hash("code", "state/evidence.py"))
    ran, printed = _ran("--baseline", baseline)
    assert ran == {case.id for case in CASES}
    assert "selected apply: code state/evidence.py changed" in printed.splitlines()


def _measured_now_but(name: str) -> Callable[[dict[str, Any]], None]:
    """A baseline measured on this tree except for `name`, recorded with another hash: as after editing it."""

    def change(data: dict[str, Any]) -> None:
        data["code"] = code_hashes() | {name: "0" * 64}

    return change


@pytest.mark.parametrize("edited", ["evals/generators.py", "graphs/documents.py"])
def test_a_changed_generator_or_graph_runs_the_document_cases(tmp_path: Path, edited: str) -> None:
    # A document case runs a generated file through the graph: an edited generator or wiring went unnoticed
    # ('nothing changed', exit 0) where the full run failed the case.
    ran, printed = _ran("--baseline", _baseline(tmp_path, _measured_now_but(edited)))
    assert ran == _ids(lambda c: c.step == "document")
    assert printed.splitlines()[0] == f"selected document: code {edited} changed"


def test_the_ci_workflow_runs_on_every_folder_the_baseline_records() -> None:
    # A pull request that touched only graphs/ or runtime/ingest/ never ran the golden cases its change selects.
    workflow = (ROOT.resolve().parent / ".github" / "workflows" / "evals.yml").read_text()
    missing = [folder for folder in CODE_FOLDERS if f'- "{folder}/**"' not in workflow]
    assert not missing, f"evals.yml does not run on changes to {missing}"


def test_every_file_of_the_decision_code_the_workflow_version_hashes_is_recorded() -> None:
    # The workflow version and `--changed` each say what code decides an outcome: they must not drift apart.
    recorded = code_hashes()
    for module in DECISION_CODE:
        path = ROOT.joinpath(*module.removeprefix("claimflow.").split("."))
        files = [path.with_suffix(".py")] if path.with_suffix(".py").exists() else sorted(path.rglob("*.py"))
        assert files, module
        missing = [name for name in (file.relative_to(ROOT).as_posix() for file in files) if name not in recorded]
        assert not missing, f"{module} decides outcomes, eval --changed does not record {missing}"


def test_the_untouched_tree_runs_nothing_and_passes() -> None:
    done = run_cli("eval", "--changed")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "nothing changed since the baseline" in done.stdout
    as_json = run_cli("eval", "--changed", "--json")
    assert as_json.returncode == 0, as_json.stderr
    report = json.loads(as_json.stdout)
    assert report["changed"] == {"steps": [], "ran": []}
    # Every case still has its (stored) result.
    assert {r["id"] for r in report["cases"]} == {case.id for case in CASES}


def test_the_gate_still_fails_on_a_selected_case_and_skips_unselected_ones(tmp_path: Path) -> None:
    root = tmp_path / "goldens"
    shutil.copytree(GOLDENS, root)
    for step, name in (("extract_invoice", "clean-english-invoice"), ("rules_contract", "contract-without-parties")):
        path = root / step / f"{name}.json"
        case = json.loads(path.read_text())
        if step == "extract_invoice":
            case["expected"]["fields"]["invoice_number"]["value"] = "NOT-THE-NUMBER"
        else:
            case["expected"][0]["passed"] = not case["expected"][0]["passed"]
        path.write_text(json.dumps(case))
    prompt_changed = _other_hash("prompts", "extract_invoice@4")

    def unhashed_rules_case(data: dict[str, Any]) -> None:
        prompt_changed(data)
        # As a baseline written before cases were hashed records it: the edit alone cannot select it.
        del data["case_sha256"]["rules_contract-contract-without-parties"]

    done = run_cli("eval", "--changed", "--goldens", root, "--baseline", _baseline(tmp_path, unhashed_rules_case))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "flipped extract_invoice-clean-english-invoice: passed -> failed" in done.stdout
    # The rules case was not selected: its result is the baseline's.
    assert "rules_contract-contract-without-parties" not in done.stdout

    # With the case's content recorded, the edit selects it, and it fails too.
    hashed = run_cli("eval", "--changed", "--goldens", root, "--baseline", _baseline(tmp_path, prompt_changed))
    assert hashed.returncode == 1, hashed.stdout + hashed.stderr
    assert "case rules_contract-contract-without-parties changed" in hashed.stdout
    assert "flipped rules_contract-contract-without-parties: passed -> failed" in hashed.stdout


def test_changed_cannot_update_the_baseline(tmp_path: Path) -> None:
    baseline = _baseline(tmp_path, _other_hash("prompts", "extract_invoice@4"))
    done = run_cli("eval", "--changed", "--update-baseline", "--baseline", baseline)
    assert done.returncode == 2
    assert "cannot update the baseline" in done.stderr
    assert json.loads(baseline.read_text())["prompts"]["extract_invoice@4"] == "0" * 64


OWN_RULES = RULE

OWN_TYPE = declaration(version=None)

OVER_BUDGET = {
    "kind": "rule", "name": "over-budget", "step": "rules_expense_claim", "doc_type": "expense_claim",
    "values": {"employee": "Jane Roe", "amount": "120.50", "budget": "100.00"},
    "expected": [{"rule": "required_fields_present", "passed": True},
                 {"rule": "amount_within_budget", "passed": False}],
}  # fmt: skip


def test_an_edited_rule_of_a_users_own_type_runs_that_types_cases(tmp_path: Path) -> None:
    # The baseline recorded only claimflow's own files: a user's rule could change and `--changed` ran nothing.
    declared = tmp_path / "expense.py"
    declared.write_text(OWN_RULES + OWN_TYPE, encoding="utf-8")
    goldens = tmp_path / "goldens"
    (goldens / "rules_expense_claim").mkdir(parents=True)
    (goldens / "rules_expense_claim" / "over-budget.json").write_text(json.dumps(OVER_BUDGET))
    types = discover_types([str(declared)], cwd=tmp_path).types
    evaluate_goldens(goldens=goldens, types=types, update_baseline=True)
    recorded = json.loads((goldens / "baseline.replay.json").read_text())["code"]
    assert "types/expense_claim/expense.py" in recorded
    untouched = evaluate_goldens(goldens=goldens, types=types, changed=True)
    assert untouched.changed is not None and not untouched.changed.cases
    declared.write_text(OWN_RULES.replace("amount <= budget", "amount < budget") + OWN_TYPE, encoding="utf-8")
    edited = evaluate_goldens(goldens=goldens, types=types, changed=True)
    assert edited.changed is not None
    assert [case.id for case in edited.changed.cases] == ["rules_expense_claim-over-budget"]
    assert edited.changed.lines() == [
        "selected rules_expense_claim (expense_claim cases): code types/expense_claim/expense.py changed"
    ]


def test_the_modules_of_a_users_own_type_are_recorded_by_their_module_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A type declared in one module of a package with its rules in another: both decide its cases.
    package = tmp_path / "acme_expense_types"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "checks.py").write_text(OWN_RULES, encoding="utf-8")
    (package / "declared.py").write_text("from acme_expense_types.checks import amount_within_budget\n" + OWN_TYPE)
    monkeypatch.syspath_prepend(str(tmp_path))
    expense = importlib.import_module("acme_expense_types.declared").EXPENSE
    own = {name for name in code_hashes(types=[expense]) if name.startswith("types/")}
    assert own == {f"types/expense_claim/acme_expense_types/{name}.py" for name in ("declared", "checks")}
    # The built-in types' files are recorded once, under their own names.
    assert code_hashes(types=BUILTIN_TYPES) == code_hashes()


def test_a_changed_prompt_says_nothing_of_document_cases_where_there_are_none(tmp_path: Path) -> None:
    # A folder of a user's own cases holds no document case: the line about sparing them only puzzled its reader.
    root = tmp_path / "goldens"
    shutil.copytree(GOLDENS / "extract_invoice", root / "extract_invoice")

    def prompt_only(data: dict[str, Any]) -> None:
        data["code"] = code_hashes()  # measured on this tree: only the prompt differs
        _other_hash("prompts", "extract_invoice@4")(data)

    ran, printed = _ran("--goldens", root, "--baseline", _baseline(tmp_path, prompt_only), exit_code=NOT_MEASURED)
    assert ran == _ids(lambda c: c.step == "extract_invoice")
    assert printed.splitlines()[0] == "selected extract_invoice: prompt extract_invoice@4 changed"
    assert PROMPTS_SKIP_DOCUMENTS not in printed


def test_a_case_edited_since_the_baseline_runs(tmp_path: Path) -> None:
    # The baseline records each case's content: an expectation edited into a failing one is no longer taken
    # from the baseline's stored result (it was: 'nothing changed', exit 0, where the full run exits 1).
    root = tmp_path / "goldens"
    shutil.copytree(GOLDENS, root)
    wrote = run_cli("eval", "--goldens", root, "--update-baseline")
    assert wrote.returncode == 0, wrote.stdout + wrote.stderr
    assert set(json.loads((root / "baseline.replay.json").read_text())["case_sha256"]) == {c.id for c in CASES}
    untouched, _ = _ran("--goldens", root)
    assert untouched == set()

    path = root / "rules_contract" / "contract-without-parties.json"
    case = json.loads(path.read_text())
    case["expected"][0]["passed"] = not case["expected"][0]["passed"]
    path.write_text(json.dumps(case, indent=4))
    ran, printed = _ran("--goldens", root, exit_code=1)
    assert ran == {"rules_contract-contract-without-parties"}
    assert "selected rules_contract: case rules_contract-contract-without-parties changed" in printed.splitlines()

    # Laid out otherwise, the same content is the same case.
    case["expected"][0]["passed"] = not case["expected"][0]["passed"]
    path.write_text(json.dumps(case, indent=1))
    again, _ = _ran("--goldens", root)
    assert again == set()


def test_with_a_live_model_the_cases_said_to_have_run_are_those_that_ran(tmp_path: Path) -> None:
    """A replay-only case a change selects is left out by a live backend: it is not listed as run."""
    data = json.loads((GOLDENS.parent / "baseline.rules.json").read_text())
    _other_hash("code", "state/proof.py")(data)
    path = tmp_path / "baseline.rules.json"
    path.write_text(json.dumps(data))
    done = run_cli("eval", "--changed", "--json", "--model", "rules", "--baseline", path)
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout)
    ran = set(report["changed"]["ran"])
    replay_only = _ids(lambda c: getattr(c, "replay_only", False))
    assert ran and replay_only & _ids(lambda c: c.step == "extract_invoice")  # the change selects some
    assert not ran & replay_only
    assert ran == {case["id"] for case in report["cases"] if not case["from_baseline"]}
