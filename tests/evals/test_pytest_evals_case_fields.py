"""`pytest evals/ --goldens DIR` refuses a case that names a field its type does not have, as `claimflow eval` does.

It ran it instead: a rule case whose `values` misspelt `budget` failed as if the rule had not fired, with no word
of the name, where `claimflow eval` stops on `values names 'budgett', which expense_claim does not have`.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.evals._expense_claim import RULE, declaration
from tests.integration._docs import cli_env


def test_a_misspelt_field_stops_the_session_naming_it(tmp_path: Path) -> None:
    (tmp_path / "expense.py").write_text(RULE + declaration(), encoding="utf-8")
    case = {
        "kind": "rule", "name": "over-budget", "step": "rules_expense_claim", "doc_type": "expense_claim",
        "values": {"employee": "Jane Roe", "amount": "120.50", "budgett": "100.00"},
        "expected": [{"rule": "required_fields_present", "passed": True},
                     {"rule": "amount_within_budget", "passed": False}],
    }  # fmt: skip
    (tmp_path / "goldens" / "rules_expense_claim").mkdir(parents=True)
    (tmp_path / "goldens" / "rules_expense_claim" / "over-budget.json").write_text(json.dumps(case))
    evals = Path(__file__).parents[2] / "evals"
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(evals),
               "--goldens", str(tmp_path / "goldens"), "--types", "expense.py"]  # fmt: skip

    ran = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, env=cli_env(), timeout=120, check=False)

    assert ran.returncode == pytest.ExitCode.USAGE_ERROR, ran.stdout + ran.stderr
    assert (
        "case rules_expense_claim-over-budget: values names 'budgett', which expense_claim does not have (did you "
        "mean 'budget'?)"
    ) in " ".join(ran.stderr.split())
    assert "Traceback" not in ran.stdout + ran.stderr
