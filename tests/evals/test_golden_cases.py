"""The golden cases gate regressions: replayed through apply and routing, and re-asked of the rules backend."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from claimflow.doctypes import BUILTIN_TYPES
from claimflow.evals import load_cases, regressions, run_cases
from claimflow.evals.__main__ import main
from claimflow.evals.case import ExpectedField, GoldenCase
from claimflow.evals.runner import evaluate
from claimflow.prompts import prompts_for
from claimflow.runtime.gateway import RulesGateway
from claimflow.state.schema import DocumentTypes

CASES = Path(__file__).parents[2] / "evals" / "cases"
TYPES = DocumentTypes(BUILTIN_TYPES)


def test_every_case_file_loads_and_names_a_known_prompt() -> None:
    cases = load_cases(CASES)
    assert len(cases) >= 9
    assert {case.step for case in cases} == {"classify", "extract_invoice", "extract_receipt", "extract_contract"}
    assert all(case.prompt.startswith(case.step + "@") for case in cases)
    # The prompt the recorded claim answered is the current version of the step's prompt.
    current = {spec.name: spec.ref for spec in prompts_for(BUILTIN_TYPES)}
    assert {case.name: case.prompt for case in cases} == {case.name: current[case.step] for case in cases}


def test_replay_has_no_regression_against_the_baseline() -> None:
    assert main([]) == 0


def test_live_rules_backend_has_no_regression_against_its_baseline() -> None:
    assert main(["--live", "rules"]) == 0


def test_a_changed_claim_is_caught_as_a_regression(tmp_path: Path) -> None:
    case = next(c for c in load_cases(CASES) if c.name == "clean-english-invoice")
    tampered = json.loads(json.dumps(case.recorded_claim))
    for claim in tampered["fields"]:
        if claim["field"] == "total_amount":
            claim["value"] = "181.00"
    result = evaluate(case, tampered, TYPES)
    assert not result.passed
    assert any("total_amount" in failure for failure in result.failures)
    baseline = tmp_path / "baseline.json"
    baseline.write_text(json.dumps({case.name: True}))
    assert regressions([result], baseline) == [case.name]


def test_a_value_quoted_from_another_fields_line_is_caught() -> None:
    case = next(c for c in load_cases(CASES) if c.name == "clean-english-invoice")
    tampered = json.loads(json.dumps(case.recorded_claim))
    [due] = [claim for claim in tampered["fields"] if claim["field"] == "due_date"]
    issue = next(claim for claim in tampered["fields"] if claim["field"] == "issue_date")
    due.update(value=issue["value"], evidence=issue["evidence"])  # the issue date, quoted from its own line
    result = evaluate(case, tampered, TYPES)
    assert result.failures == ["due_date: got ('rejected', None), expected ('accepted', '2024-04-13')"]
    # Why: the date stands under the issue date's label. A case expecting that rejection passes.
    reason = "'2024-03-14' stands under 'Invoice Date', the label of issue_date, not of due_date"
    rejected = ExpectedField(status="rejected", value=None, reason_contains=reason)
    expected = case.expected.model_copy(update={"fields": {**case.expected.fields, "due_date": rejected}})
    assert evaluate(case.model_copy(update={"expected": expected}), tampered, TYPES).failures == []


def test_live_mode_skips_deliberately_wrong_claims() -> None:
    cases = load_cases(CASES)
    results = run_cases(cases, TYPES, RulesGateway())
    assert {r.name for r in results} == {c.name for c in cases if not c.replay_only}


@pytest.mark.parametrize("path", sorted(CASES.glob("*/*.json")), ids=lambda p: p.stem)
def test_case_files_match_their_schema_model(path: Path) -> None:
    case = GoldenCase.model_validate_json(path.read_text())
    assert path.parent.name == case.step
    assert path.stem == case.name
