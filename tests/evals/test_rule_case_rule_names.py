"""A rule case that expects a result of a rule its type does not have is refused before any case runs.

It ran instead, and failed as a regression of the rules (`new case failed`, exit 1), when what was wrong was the
case: a misspelt rule name no run could ever record.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from claimflow import DocumentType, Field
from claimflow.evals.builtin import builtin_workflow_types
from claimflow.evals.errors import CaseFileError
from claimflow.evals.evaluation import evaluate_goldens
from claimflow.evals.facts import StateFacts
from claimflow.evals.golden import GOLDENS, TODAY, RuleCase, load_goldens
from claimflow.evals.runner import run_case
from claimflow.state.policy import Policy
from claimflow.state.rules import rule_names, validate_document
from tests.evals._expense_claim import RULE, declaration
from tests.integration._docs import cli_env, run_cli

INVOICE_RULES = (
    "required_fields_present, date_plausible, net_plus_tax_equals_total, line_items_sum_to_net, "
    "due_date_not_before_issue_date, amount_due_not_above_total, invoice_type_code_matches_type, "
    "invoice_number_not_seen_for_vendor"
)


def _misspelt(tmp_path: Path) -> Path:
    """A goldens folder of the invoice's rule cases, one of them expecting `due_date_not_before_isue_date`."""
    root = tmp_path / "goldens"
    shutil.copytree(GOLDENS / "rules_invoice", root / "rules_invoice")
    path = root / "rules_invoice" / "due-before-issue.json"
    data = json.loads(path.read_text())
    [want] = [want for want in data["expected"] if want["rule"] == "due_date_not_before_issue_date"]
    want["rule"] = "due_date_not_before_isue_date"
    path.write_text(json.dumps(data))
    return root


def test_a_misspelt_rule_is_refused_naming_the_case_the_name_the_near_one_and_the_types_rules(tmp_path: Path) -> None:
    with pytest.raises(CaseFileError) as refused:
        evaluate_goldens(model="replay", goldens=_misspelt(tmp_path))
    assert str(refused.value) == (
        "case rules_invoice-due-before-issue (rules_invoice/due-before-issue.json): expected[4] names rule "
        "'due_date_not_before_isue_date', which invoice does not have (did you mean 'due_date_not_before_issue_date'?)"
        f"; its rules: {INVOICE_RULES}"
    )


def test_the_cli_stops_on_it_with_the_setup_errors_exit_before_running_anything(tmp_path: Path) -> None:
    root = _misspelt(tmp_path)
    done = run_cli("eval", "--goldens", root, "--update-baseline")
    assert done.returncode == 2, done.stdout + done.stderr
    assert "expected[4] names rule 'due_date_not_before_isue_date', which invoice does not have" in done.stderr
    assert f"its rules: {INVOICE_RULES}" in done.stderr
    assert done.stdout == ""  # no table of results: nothing ran
    assert not (root / "baseline.replay.json").exists()  # and no baseline recorded the case as a known failure


def _expense_folder(tmp_path: Path, expected: list[dict[str, object]]) -> Path:
    (tmp_path / "expense.py").write_text(RULE + declaration(), encoding="utf-8")
    case = {
        "kind": "rule", "name": "over-budget", "step": "rules_expense_claim", "doc_type": "expense_claim",
        "values": {"employee": "Jane Roe", "amount": "120.50", "budget": "100.00"}, "expected": expected,
    }  # fmt: skip
    (tmp_path / "goldens" / "rules_expense_claim").mkdir(parents=True)
    (tmp_path / "goldens" / "rules_expense_claim" / "over-budget.json").write_text(json.dumps(case))
    return tmp_path / "goldens"


def test_pytest_evals_refuses_it_as_claimflow_eval_does(tmp_path: Path) -> None:
    # A user's own type: `date_plausible` is a common rule, but the type has no date for it to judge.
    expected = [{"rule": "required_fields_present", "passed": True}, {"rule": "date_plausible", "passed": True},
                {"rule": "amount_within_budgt", "passed": False}]  # fmt: skip
    goldens = _expense_folder(tmp_path, expected)
    evals = Path(__file__).parents[2] / "evals"
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(evals),
               "--goldens", str(goldens), "--types", "expense.py"]  # fmt: skip

    ran = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, env=cli_env(), timeout=120, check=False)

    assert ran.returncode == pytest.ExitCode.USAGE_ERROR, ran.stdout + ran.stderr
    said = " ".join(ran.stderr.split())
    where = "case rules_expense_claim-over-budget (rules_expense_claim/over-budget.json)"
    assert (
        f"{where}: expected[1] names rule 'date_plausible', which expense_claim does not have; its rules: "
        "required_fields_present, amount_within_budget"
    ) in said
    assert (
        f"{where}: expected[2] names rule 'amount_within_budgt', which expense_claim does not have (did you mean "
        "'amount_within_budget'?)"
    ) in said
    assert "Traceback" not in ran.stdout + ran.stderr


def test_every_rule_the_committed_cases_expect_is_among_their_types_rules() -> None:
    types = builtin_workflow_types()
    for case in load_goldens():
        if isinstance(case, RuleCase):
            known = rule_names(types.get(case.doc_type))
            assert {want.rule for want in case.expected} <= set(known), case.id
    receipt, contract = (rule_names(types.get(name)) for name in ("receipt", "contract"))
    assert receipt == ["required_fields_present", "date_plausible", "total_positive"]
    assert contract == ["required_fields_present", "date_plausible", "parties_distinct"]


def test_a_duplicate_key_no_rule_of_the_type_judges_brings_the_common_duplicate_rule() -> None:
    fields = [Field("employee", "text", required=True), Field("claim_number", "text")]
    keyed = DocumentType(name="keyed_claim", description="A claim", fields=fields, duplicate_key=("claim_number",))
    assert rule_names(keyed) == ["required_fields_present", "not_seen_before"]
    values = StateFacts(fields={"employee": "Jane Roe", "claim_number": "C-1"}).field_results()
    ran = validate_document(keyed, values, {}, Policy(), today=TODAY, earlier_runs=("run-1",))
    assert [result.rule for result in ran] == rule_names(keyed)


def test_a_failing_rule_case_shows_each_results_message_a_rule_run_per_field_included() -> None:
    # date_plausible runs once for each date; its messages were kept by rule name, so only the last date's
    # ("due_date ... is plausible") was shown, and never the one that failed.
    [case] = [case for case in load_goldens() if case.id == "rules_invoice-due-before-issue"]
    assert isinstance(case, RuleCase)
    values = {**case.values, "issue_date": "1960-03-14"}
    outcome = run_case(case.model_copy(update={"values": values}))

    assert not outcome.passed
    lines = outcome.message.splitlines()
    assert lines[0].startswith("rule results: expected")
    plausible = [line for line in lines if line.startswith("  date_plausible ")]
    assert len(plausible) == 2, lines
    assert plausible[0].startswith("  date_plausible failed: issue_date 1960-03-14"), plausible
    assert plausible[1].startswith("  date_plausible passed: due_date 2024-03-01"), plausible
