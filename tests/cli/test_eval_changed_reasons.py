"""`eval --changed` names a change as a step's reason only where it selects that step's cases.

A built-in type's file changed since the baseline selects every case about that type. A folder of a user's own
cases holds none of them, yet a step that ran for another reason (a case new to the baseline) was printed as
`selected rules_expense_claim (invoice cases): code doctypes/invoice.py changed; case ... is not in the baseline`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from typer.testing import Result

from tests.evals._expense_claim import RULE, declaration

Invoke = Callable[..., Result]


def _rule_case(goldens: Path, name: str, budget: str) -> None:
    case = {
        "kind": "rule", "name": name, "step": "rules_expense_claim", "doc_type": "expense_claim",
        "values": {"employee": "Jane Roe", "amount": "80.00", "budget": budget},
        "expected": [{"rule": "required_fields_present", "passed": True},
                     {"rule": "amount_within_budget", "passed": float(budget) >= 80}],
    }  # fmt: skip
    folder = goldens / "rules_expense_claim"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.json").write_text(json.dumps(case), encoding="utf-8")


def test_a_built_in_types_change_is_no_reason_for_a_step_without_its_cases(claimflow: Invoke, tmp_path: Path) -> None:
    types, goldens = tmp_path / "expense.py", tmp_path / "goldens"
    types.write_text(RULE + declaration(titles=True), encoding="utf-8")
    _rule_case(goldens, "within-budget", "100.00")
    written = claimflow("eval", "--goldens", goldens, "--types", types, "--update-baseline")
    assert written.exit_code == 0, written.output
    # The invoice type changed since the baseline was measured, and a case was added.
    path = goldens / "baseline.replay.json"
    baseline = json.loads(path.read_text(encoding="utf-8"))
    baseline["code"]["doctypes/invoice.py"] = "0" * 64
    path.write_text(json.dumps(baseline), encoding="utf-8")
    _rule_case(goldens, "over-budget", "50.00")

    gated = claimflow("eval", "--goldens", goldens, "--types", types, "--changed")
    as_json = claimflow("eval", "--goldens", goldens, "--types", types, "--changed", "--json")

    assert gated.exit_code == 0, gated.output
    selected = [line for line in gated.stdout.splitlines() if line.startswith("selected")]
    assert selected == ["selected rules_expense_claim: case rules_expense_claim-over-budget is not in the baseline"]
    changed = json.loads(as_json.stdout)["changed"]
    assert changed["steps"] == [
        {"step": "rules_expense_claim", "reasons": ["case rules_expense_claim-over-budget is not in the baseline"],
         "doc_types": []}
    ]  # fmt: skip
    assert changed["ran"] == ["rules_expense_claim-over-budget"]
