"""Runs started under another workflow version: refused loudly, listed, and finished by re-running them."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from claimflow.runtime.cli import app
from tests.integration._expense_type import expense_claim_module

runner = CliRunner()


def _cli(*args: str) -> list[dict[str, object]]:
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_a_changed_rule_makes_paused_runs_a_version_mismatch_that_rerun_finishes(tmp_path: Path) -> None:
    types_file = tmp_path / "expense_types.py"
    types_file.write_text(expense_claim_module(slack="1"))
    doc = tmp_path / "claim.txt"
    doc.write_text("EXPENSE CLAIM\nClaim No.: EC-7\nApproved budget: 100.00\nAmount claimed: 105.00\n")
    data = ["--data-dir", str(tmp_path / "data"), "--types", str(types_file)]

    (paused,) = _cli("run", str(doc), *data)
    assert paused["status"] == "needs_review"
    assert _cli("runs", "--version-mismatch", *data) == []

    # The rule's code changes (a 10 % slack): the paused run was started by a version that is gone.
    types_file.write_text(expense_claim_module(slack="1.1"))
    (listed,) = _cli("runs", "--version-mismatch", *data)
    assert listed["run_id"] == paused["run_id"]
    refused = runner.invoke(app, ["review", "decide", str(paused["run_id"]), "--reviewer", "kim", "--approve", *data])
    assert refused.exit_code == 1
    assert "was started by workflow version" in refused.output and "claimflow rerun" in refused.output

    (rerun,) = _cli("rerun", "--version-mismatch", *data)
    assert rerun["rerun_of"] == paused["run_id"] and rerun["run_id"] != paused["run_id"]
    assert rerun["status"] == "completed", rerun["error"]  # 105.00 is within 110 % of the budget under the new rule
    (old,) = [v for v in _cli("runs", *data) if v["run_id"] == paused["run_id"]]
    assert old["status"] == "failed" and f"run again as {rerun['run_id']}" in str(old["error"])
    assert _cli("runs", "--version-mismatch", *data) == []


def test_rerun_of_one_run_leaves_the_other_mismatched_runs_alone(tmp_path: Path) -> None:
    types_file = tmp_path / "expense_types.py"
    types_file.write_text(expense_claim_module(slack="1"))
    for number in (7, 8):
        (tmp_path / "docs").mkdir(exist_ok=True)
        (tmp_path / "docs" / f"claim-{number}.txt").write_text(
            f"EXPENSE CLAIM\nClaim No.: EC-{number}\nApproved budget: 100.00\nAmount claimed: 105.00\n"
        )
    data = ["--data-dir", str(tmp_path / "data"), "--types", str(types_file)]
    first, second = _cli("run", str(tmp_path / "docs"), *data)
    types_file.write_text(expense_claim_module(slack="1.1"))

    (rerun,) = _cli("rerun", str(first["run_id"]), *data)

    assert rerun["rerun_of"] == first["run_id"]
    assert [row["run_id"] for row in _cli("runs", "--version-mismatch", *data)] == [second["run_id"]]
