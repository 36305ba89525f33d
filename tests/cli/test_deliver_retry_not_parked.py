"""`deliver retry` on a run whose delivery did not fail says so first, target set or not."""

from __future__ import annotations

from pathlib import Path

from tests.integration._docs import json_lines, run_cli

INVOICE = Path(__file__).parents[2] / "examples" / "documents" / "invoice-clean.pdf"


def test_a_run_that_is_not_delivery_failed_is_refused_for_that_without_a_target(tmp_path: Path) -> None:
    env = {"CLAIMFLOW_DATA_DIR": str(tmp_path / "data")}
    done = run_cli("run", INVOICE, "--json", **env)
    assert done.returncode == 0, done.stderr
    (view,) = json_lines(done.stdout)
    assert view["status"] == "completed"

    refused = run_cli("deliver", "retry", view["run_id"], **env)

    # Not "set CLAIMFLOW_DELIVER": with a target set it would be refused all the same.
    assert refused.returncode == 1, refused.stderr
    assert f"run {view['run_id']} is completed, not delivery_failed" in refused.stderr
    assert "CLAIMFLOW_DELIVER" not in refused.stderr
