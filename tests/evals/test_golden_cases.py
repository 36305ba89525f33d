"""The golden cases: data files that load through their typed model, run per kind, and gate regressions."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from claimflow.doctypes import BUILTIN_TYPES
from claimflow.evals import load_case, load_goldens, regressions, run_case, run_cases
from claimflow.evals.errors import CaseFileError, InactiveTypeError
from claimflow.evals.evaluation import evaluate_goldens, gate_lines
from claimflow.evals.golden import (
    CASE_ADAPTER,
    GOLDENS,
    SCHEMA,
    DocumentCase,
    ExpectedField,
    GoldenCase,
    ModelStepCase,
    ReviewCase,
    RouterCase,
    RuleCase,
    golden_schema,
)
from claimflow.prompts import prompts_for
from claimflow.runtime.gateway import RulesGateway
from claimflow.state.schema import DocumentTypes
from tests.evals._expense_claim import RULE, declaration
from tests.integration._docs import cli_env, run_cli

CASES = load_goldens()


def by_id(case_id: str) -> GoldenCase:
    return next(case for case in CASES if case.id == case_id)


def test_the_committed_schema_is_the_one_the_model_generates() -> None:
    assert json.loads(SCHEMA.read_text()) == golden_schema()


def test_cases_cover_every_step_kind_and_built_in_type() -> None:
    assert len(CASES) >= 80
    steps = {case.step for case in CASES}
    types = [t.name for t in BUILTIN_TYPES]
    assert {"classify", "apply", "review", "document"} <= steps
    assert {f"extract_{name}" for name in types} | {f"rules_{name}" for name in types} <= steps
    assert {"route_parse", "route_type", "route_extraction", "route_validation", "route_review"} <= steps
    assert {case.kind for case in CASES} == {"model_step", "apply", "router", "rule", "review", "document"}
    documents = {case.expected.doc_type for case in CASES if isinstance(case, DocumentCase)}
    assert set(types) <= documents


def test_model_step_cases_name_the_current_prompt() -> None:
    current = {spec.name: spec.ref for spec in prompts_for(BUILTIN_TYPES)}
    model_steps = [case for case in CASES if isinstance(case, ModelStepCase)]
    assert {case.id: case.prompt for case in model_steps} == {case.id: current[case.step] for case in model_steps}


def test_a_case_outside_its_step_folder_is_refused(tmp_path: Path) -> None:
    source = GOLDENS / "classify" / "invoice-english.json"
    misplaced = tmp_path / "extract_invoice" / "invoice-english.json"
    misplaced.parent.mkdir()
    misplaced.write_text(source.read_text())
    with pytest.raises(ValueError, match="belongs in classify/invoice-english.json"):
        load_case(misplaced)


def test_a_case_file_that_does_not_validate_is_named_with_its_problems(tmp_path: Path) -> None:
    case = json.loads((GOLDENS / "rules_receipt" / "receipt-total-positive.json").read_text())
    del case["expected"]
    path = tmp_path / "rules_receipt" / "receipt-total-positive.json"
    path.parent.mkdir()
    path.write_text(json.dumps(case))
    with pytest.raises(
        CaseFileError, match=r"^\S+receipt-total-positive\.json is not a valid golden case: rule\.expected: Field"
    ):
        load_case(path)
    path.write_text("{not json")
    with pytest.raises(CaseFileError, match=f"^{path} is not a valid golden case: .*Invalid JSON"):
        load_case(path)


@pytest.mark.parametrize(("step", "name", "wrong"), [
    ("extract_invoice", "clean-english-invoice", "an extraction"),
    ("classify", "invoice-english", "a classification"),
])  # fmt: skip
def test_a_recorded_claim_that_is_no_claim_is_refused_naming_the_file(
    tmp_path: Path, step: str, name: str, wrong: str
) -> None:
    # Replayed, it stopped `claimflow eval` with pydantic's four lines, naming neither the case nor its file.
    case = json.loads((GOLDENS / step / f"{name}.json").read_text())
    claim = case["recorded_claim"]
    (claim["fields"][0] if "fields" in claim else claim)["confidence"] = "high"
    root = tmp_path / "goldens"
    (root / step).mkdir(parents=True)
    (root / step / f"{name}.json").write_text(json.dumps(case))
    done = run_cli("eval", "--goldens", root)
    assert done.returncode == 2, done.stdout + done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert f"{root / step / name}.json is not a valid golden case: model_step.recorded_claim: " in done.stderr
    assert f"not {wrong} claim: " in done.stderr and "confidence: Input should be a valid number" in done.stderr


def test_cases_are_judged_against_the_types_given() -> None:
    receipt = by_id("rules_receipt-receipt-total-positive")
    without_receipts = DocumentTypes(t for t in BUILTIN_TYPES if t.name != "receipt")
    with pytest.raises(InactiveTypeError, match="'receipt'.*active: invoice, contract"):
        evaluate_goldens(steps=["rules_receipt"], types=without_receipts)
    assert run_cases([receipt], types=DocumentTypes(BUILTIN_TYPES))[0].passed


def test_an_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="kind"):
        CASE_ADAPTER.validate_python({"kind": "vibe_check", "name": "x", "step": "classify"})


def test_a_wrong_extraction_golden_fails_naming_the_field() -> None:
    case = by_id("extract_invoice-clean-english-invoice")
    assert isinstance(case, ModelStepCase)
    fields = {**case.expected.fields, "total_amount": ExpectedField(value="181.00", quote="Total: GBP 181.00")}
    wrong = case.model_copy(update={"expected": case.expected.model_copy(update={"fields": fields})})
    outcome = run_case(wrong)
    assert not outcome.passed
    assert outcome.message == "total_amount: expected accepted '181.00', got accepted '180.00'"
    assert "extract_invoice-clean-english-invoice" in outcome.report()


def test_a_wrong_quote_fails_naming_the_field() -> None:
    case = by_id("extract_invoice-clean-english-invoice")
    assert isinstance(case, ModelStepCase)
    fields = {**case.expected.fields, "issue_date": ExpectedField(value="2024-03-14", quote="Due Date:")}
    wrong = case.model_copy(update={"expected": case.expected.model_copy(update={"fields": fields})})
    assert run_case(wrong).message.startswith("issue_date: expected a quote citing 'Due Date:', got 'Invoice Date")


def test_wrong_router_rule_and_review_goldens_fail() -> None:
    router = by_id("route_validation-failed-rule-goes-to-review")
    assert isinstance(router, RouterCase)
    wrong_route = router.model_copy(update={"expected": router.expected.model_copy(update={"target": "finalize"})})
    assert run_case(wrong_route).message == "target: expected 'finalize', got 'prepare_review'"

    rule = by_id("rules_receipt-receipt-total-zero")
    assert isinstance(rule, RuleCase)
    flipped = [item.model_copy(update={"passed": True}) for item in rule.expected]
    outcome = run_case(rule.model_copy(update={"expected": flipped}))
    assert not outcome.passed
    assert "total_positive failed: total 0.00 is not positive" in outcome.message

    review = by_id("review-edit-sets-a-value")
    assert isinstance(review, ReviewCase)
    expected = review.expected.model_copy(update={"fields": {"total_amount": "181.00"}})
    outcome = run_case(review.model_copy(update={"expected": expected}))
    assert outcome.message == "fields: expected {'total_amount': '181.00'}, got {'total_amount': '180.00'}"


def test_a_wrong_document_golden_fails_naming_the_field() -> None:
    case = by_id("document-receipt-of-one-item")
    assert isinstance(case, DocumentCase)
    expected = case.expected.model_copy(update={"fields": {"total_amount": "4.00"}})
    outcome = run_case(case.model_copy(update={"expected": expected}))
    assert outcome.message == "fields: expected {'total_amount': '4.00'}, got {'total_amount': '4.20'}"


def test_a_document_that_cannot_be_made_fails_its_case_not_the_suite() -> None:
    """Parameters its generator refuses (here, one it does not take) fail that case with the reason."""
    case = by_id("document-receipt-of-one-item")
    assert isinstance(case, DocumentCase)
    broken = case.model_copy(update={"params": {**case.params, "no_such_parameter": 1}})
    outcomes = run_cases([broken, case])
    assert [outcome.passed for outcome in outcomes] == [False, True]
    assert outcomes[0].message.startswith(f"its document could not be made by {case.generator!r}: TypeError:")
    assert "no_such_parameter" in outcomes[0].message


def test_a_failing_case_that_passed_in_the_baseline_is_a_regression(tmp_path: Path) -> None:
    case = by_id("extract_invoice-clean-english-invoice")
    assert isinstance(case, ModelStepCase)
    tampered = json.loads(json.dumps(case.recorded_claim))
    for claim in tampered["fields"]:
        if claim["field"] == "total_amount":
            claim["value"] = "181.00"
    outcome = run_case(case.model_copy(update={"recorded_claim": tampered}))
    assert not outcome.passed
    assert "total_amount: expected accepted '180.00', got rejected None" in outcome.message
    baseline = tmp_path / "baseline.json"
    baseline.write_text(json.dumps({case.id: True}))
    assert regressions([outcome], baseline) == [case.id]


def test_replay_has_no_regression_against_the_baseline() -> None:
    evaluation = evaluate_goldens()
    assert not evaluation.verdict.failed, gate_lines(evaluation)


def test_live_rules_backend_has_no_regression_against_its_baseline() -> None:
    evaluation = evaluate_goldens(model="rules")
    assert not evaluation.verdict.failed, gate_lines(evaluation)


def test_live_runs_leave_out_deliberately_wrong_claims() -> None:
    results = run_cases(CASES, backend=RulesGateway())
    skipped = {case.id for case in CASES if isinstance(case, ModelStepCase) and case.replay_only}
    assert skipped
    assert {r.id for r in results} == {case.id for case in CASES} - skipped


def test_pytest_evals_fails_a_wrong_golden_with_expected_and_got(tmp_path: Path) -> None:
    case = json.loads((GOLDENS / "extract_invoice" / "clean-english-invoice.json").read_text())
    case["expected"]["fields"]["total_amount"]["value"] = "181.00"
    (tmp_path / "extract_invoice").mkdir()
    (tmp_path / "extract_invoice" / "clean-english-invoice.json").write_text(json.dumps(case))
    root = Path(__file__).parents[2]
    command = [sys.executable, "-m", "pytest", "evals/", "--goldens", str(tmp_path), "-q", "-p", "no:cacheprovider"]
    ran = subprocess.run(command, capture_output=True, text=True, cwd=root, check=False)
    assert ran.returncode == 1, ran.stdout + ran.stderr
    assert "FAILED evals/test_goldens.py::test_golden[extract_invoice-clean-english-invoice]" in ran.stdout
    assert "total_amount: expected accepted '181.00', got accepted '180.00'" in ran.stdout
    assert "1 failed" in ran.stdout


OWN_TYPE = RULE + declaration()


def _pytest_evals(*args: str | Path, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """`pytest evals/ ARGS...` in a process of its own, from `cwd`, with no CLAIMFLOW_* but `env`."""
    evals = Path(__file__).parents[2] / "evals"
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", evals, *args]
    return subprocess.run(
        list(map(str, command)), capture_output=True, text=True, cwd=cwd, env=cli_env(**env), timeout=120, check=False
    )


@pytest.fixture
def own_goldens(tmp_path: Path) -> Path:
    """A user's own type in `expense.py` and, under `goldens/`, one rule case of it."""
    (tmp_path / "expense.py").write_text(OWN_TYPE, encoding="utf-8")
    case = {
        "kind": "rule", "name": "over-budget", "step": "rules_expense_claim", "doc_type": "expense_claim",
        "values": {"employee": "Jane Roe", "amount": "120.50", "budget": "100.00"},
        "expected": [{"rule": "required_fields_present", "passed": True},
                     {"rule": "amount_within_budget", "passed": False}],
    }  # fmt: skip
    (tmp_path / "goldens" / "rules_expense_claim").mkdir(parents=True)
    (tmp_path / "goldens" / "rules_expense_claim" / "over-budget.json").write_text(json.dumps(case))
    return tmp_path


@pytest.mark.parametrize("how", ["--types", "CLAIMFLOW_TYPES", "claimflow.toml"])
def test_pytest_evals_runs_the_cases_of_a_users_own_type(own_goldens: Path, how: str) -> None:
    # Found as `claimflow eval` finds them; the cases of a type of one's own failed on "unknown document type".
    args: list[str | Path] = ["--goldens", own_goldens / "goldens"]
    env: dict[str, str] = {}
    if how == "--types":
        args += ["--types", "expense.py"]
    elif how == "CLAIMFLOW_TYPES":
        env["CLAIMFLOW_TYPES"] = "expense.py"
    else:
        (own_goldens / "claimflow.toml").write_text('types = ["expense.py"]\n', encoding="utf-8")
    ran = _pytest_evals(*args, cwd=own_goldens, **env)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert "1 passed" in ran.stdout


def test_pytest_evals_refuses_a_case_of_an_inactive_type_naming_it(own_goldens: Path) -> None:
    ran = _pytest_evals("--goldens", own_goldens / "goldens", cwd=own_goldens)
    assert ran.returncode == pytest.ExitCode.USAGE_ERROR, ran.stdout + ran.stderr
    assert "'expense_claim'" in ran.stderr
    assert str(own_goldens / "goldens" / "rules_expense_claim" / "over-budget.json") in ran.stderr
    assert "Traceback" not in ran.stdout + ran.stderr
