"""`claimflow eval --changed`: what did not run is shown as the baseline's figures, marked so, never as measured now.

The goldens are the classify and extract_invoice cases, their rules baseline edited as a live model's would read:
classify's row spent tokens and money. Only the extract_invoice prompt changed, so classify does not run, and its
row is the baseline's.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from claimflow.evals.golden import GOLDENS
from claimflow.evals.report import CARRIED_NOTE, FROM_BASELINE
from tests.integration._docs import run_cli

SPENT = {"input_tokens": 5432, "output_tokens": 678, "cost": 1.25}
"""What the baseline says classify's cases spent when it was measured."""


STEPS = ("classify", "extract_invoice")


def _goldens(tmp_path: Path) -> Path:
    """The two steps' cases, and their baseline as if classify's had been measured on a live model."""
    root = tmp_path / "goldens"
    for step in STEPS:
        shutil.copytree(GOLDENS / step, root / step)
    wrote = run_cli("eval", "--model", "rules", "--goldens", root, "--update-baseline")
    assert wrote.returncode == 0, wrote.stdout + wrote.stderr
    path = root / "baseline.rules.json"
    data = json.loads(path.read_text())
    [prompt] = [ref for ref in data["prompts"] if ref.startswith("extract_invoice@")]
    data["prompts"][prompt] = "0" * 64
    data["metrics"]["classify"] |= SPENT
    path.write_text(json.dumps(data))
    return root


def _eval(root: Path, *args: str | Path) -> Any:
    done = run_cli("eval", "--model", "rules", "--changed", "--goldens", root, *args, COLUMNS="200")
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def test_json_marks_the_steps_and_cases_that_did_not_run_as_the_baselines(tmp_path: Path) -> None:
    report = json.loads(_eval(_goldens(tmp_path), "--json").stdout)

    metrics = report["metrics"]
    assert metrics["classify"]["from_baseline"] is True
    assert {key: metrics["classify"][key] for key in SPENT} == SPENT
    assert metrics["extract_invoice"]["from_baseline"] is False
    # Each case too: classify's results are the baseline's, extract_invoice's were measured now.
    assert {r["step"] for r in report["cases"]} == set(STEPS)
    assert all(r["from_baseline"] is (r["step"] == "classify") for r in report["cases"])


def test_text_and_report_mark_the_steps_that_did_not_run(tmp_path: Path) -> None:
    root, report = _goldens(tmp_path), tmp_path / "report.md"
    done = _eval(root, "--report", report)

    rows = {line.split()[1]: line for line in done.stdout.splitlines() if line.startswith("│ ")}
    assert f"classify {FROM_BASELINE}" in rows["classify"]
    assert "5432/678, 1.250" in rows["classify"]
    assert FROM_BASELINE not in rows["extract_invoice"]
    assert CARRIED_NOTE in " ".join(done.stdout.split())
    written = report.read_text()
    assert f"| classify {FROM_BASELINE} |" in written
    assert "| extract_invoice |" in written and CARRIED_NOTE in written

    # Without --changed every step ran: nothing is marked.
    full = run_cli("eval", "--model", "rules", "--goldens", root, COLUMNS="200")
    assert full.returncode == 0, full.stdout + full.stderr
    assert FROM_BASELINE not in full.stdout


def test_the_report_says_a_failing_case_it_kept_was_not_run(tmp_path: Path) -> None:
    # Its entry under "Failing cases" read `expected: null`, `got: null` and an empty message, as if it had run.
    root = tmp_path / "goldens"
    shutil.copytree(GOLDENS / "rules_contract", root / "rules_contract")
    path = root / "rules_contract" / "contract-without-parties.json"
    case = json.loads(path.read_text())
    case["expected"][0]["passed"] = not case["expected"][0]["passed"]
    path.write_text(json.dumps(case))
    wrote = run_cli("eval", "--goldens", root, "--update-baseline")
    assert wrote.returncode == 0, wrote.stdout + wrote.stderr
    for name in ("report.md", "report.html"):
        done = run_cli("eval", "--changed", "--goldens", root, "--report", tmp_path / name)
        assert done.returncode == 0, done.stdout + done.stderr
        text = (tmp_path / name).read_text()
        assert (
            "rules_contract-contract-without-parties" in text and "not run (--changed): failing as the baseline" in text
        )
        assert "null" not in text
