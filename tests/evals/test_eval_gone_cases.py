"""`claimflow eval`: a case the baseline knows that the goldens folder no longer holds is named, not lost."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from claimflow.evals.golden import GOLDENS
from tests.integration._docs import run_cli

GONE = "rules_contract-contract-party-named-twice"


def _folder_with_a_deleted_case(tmp_path: Path) -> Path:
    root = tmp_path / "goldens"
    for step in ("rules_contract", "route_parse"):
        shutil.copytree(GOLDENS / step, root / step)
    written = run_cli("eval", "--goldens", root, "--update-baseline")
    assert written.returncode == 0, written.stdout + written.stderr
    (root / "rules_contract" / "contract-party-named-twice.json").unlink()
    return root


def test_a_deleted_case_is_named_in_the_output_and_the_json(tmp_path: Path) -> None:
    # Deleted, a case vanished from every output: a flipping case removed in a pull request left no trace.
    root = _folder_with_a_deleted_case(tmp_path)
    for args in ((), ("--changed",)):
        done = run_cli("eval", "--goldens", root, *args)
        assert done.returncode == 0, done.stdout + done.stderr  # deleting a case is an edit, not a regression
        assert f"no longer in the goldens folder (the baseline has a result for them): {GONE}" in done.stdout
        as_json = run_cli("eval", "--goldens", root, "--json", *args)
        assert json.loads(as_json.stdout)["gate"]["gone"] == [GONE]
    for report in ("report.md", "report.html"):
        run_cli("eval", "--goldens", root, "--report", tmp_path / report)
        assert (
            GONE in (tmp_path / report).read_text()
            and "no longer in the goldens folder" in (tmp_path / report).read_text()
        )


def test_rewriting_the_baseline_drops_the_deleted_case_and_keeps_the_others(tmp_path: Path) -> None:
    root = _folder_with_a_deleted_case(tmp_path)
    # Limited to another step, the rewrite keeps the cases it did not run, but not the one that is gone.
    run_cli("eval", "--goldens", root, "--step", "route_parse", "--update-baseline")
    baseline = json.loads((root / "baseline.replay.json").read_text())
    assert GONE not in baseline["cases"] and GONE not in baseline["case_sha256"]
    assert {"rules_contract-contract-parties-distinct", "rules_contract-contract-without-parties"} <= set(
        baseline["cases"]
    )
    done = run_cli("eval", "--goldens", root)
    assert "no longer in the goldens folder" not in done.stdout
