"""A decision on a finished run is refused for being finished, whatever workflow version started the run."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from claimflow.runtime.cli import app
from tests.integration._expense_type import expense_claim_module

runner = CliRunner()


def test_a_completed_run_of_another_version_is_refused_as_completed_not_as_a_version_to_rerun(
    tmp_path: Path,
) -> None:
    types_file = tmp_path / "expense_types.py"
    types_file.write_text(expense_claim_module(slack="1"))
    doc = tmp_path / "claim.txt"
    doc.write_text("EXPENSE CLAIM\nClaim No.: EC-7\nApproved budget: 100.00\nAmount claimed: 95.00\n")
    data = ["--data-dir", str(tmp_path / "data"), "--types", str(types_file)]
    done = runner.invoke(app, ["run", str(doc), "--json", *data])
    assert done.exit_code == 0, done.output
    run = json.loads(done.stdout)
    assert run["status"] == "completed", run

    types_file.write_text(expense_claim_module(slack="1.1"))  # another workflow version from here on
    refused = runner.invoke(app, ["review", "decide", run["run_id"], "--reviewer", "kim", "--approve", *data])

    # `claimflow rerun`, which the version's refusal advises, refuses a completed run: no advice to follow.
    assert refused.exit_code == 1, refused.output
    assert f"run {run['run_id']} is completed, not waiting for review" in refused.output
    assert "workflow version" not in refused.output
