"""Two `claimflow eval --update-baseline` runs of different steps at once both keep their results in the baseline.

Each read the baseline before running its cases and wrote it whole from that read with its own results, so the
one that wrote last dropped every entry of the other's steps. Now each reads the file again under a lock when it
writes, and merges its steps into what is there.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

from claimflow.evals.baseline import Baseline, load_baseline, write_baseline
from claimflow.evals.golden import GOLDENS
from tests.evals._expense_claim import declaration
from tests.integration._docs import run_cli, spawn_cli
from tests.integration._forked import ForkedProcess

# The rule holds its run between reading the baseline and writing it until the test says go: the two runs
# overlap however fast or slow the machine.
WAITING_RULE = '''
import time
from pathlib import Path

from claimflow import rule

HERE = Path(__file__).parent


@rule("amount_within_budget", fields=["amount", "budget"])
def amount_within_budget(doc):
    """The claimed amount must not exceed the budget; waits for HERE/go first."""
    amount, budget = doc.amount("amount"), doc.amount("budget")
    if amount is None or budget is None:
        return None
    (HERE / "waiting").touch()
    end = time.monotonic() + 60
    while not (HERE / "go").exists() and time.monotonic() < end:
        time.sleep(0.02)
    return doc.check(amount <= budget, f"claimed {amount} against budget {budget}")
'''


def _wait_for(path: Path, process: subprocess.Popen[str] | ForkedProcess, seconds: float = 60.0) -> None:
    end = time.monotonic() + seconds
    while not path.exists():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < end, f"{path} did not appear"
        time.sleep(0.02)


def test_two_update_baseline_runs_of_different_steps_at_once_keep_both_steps(tmp_path: Path) -> None:
    types, goldens = tmp_path / "expense.py", tmp_path / "goldens"
    types.write_text(WAITING_RULE + declaration(), encoding="utf-8")
    case = {
        "kind": "rule", "name": "within-budget", "step": "rules_expense_claim", "doc_type": "expense_claim",
        "values": {"employee": "Jane Roe", "amount": "80.00", "budget": "100.00"},
        "expected": [{"rule": "required_fields_present", "passed": True},
                     {"rule": "amount_within_budget", "passed": True}],
    }  # fmt: skip
    (goldens / "rules_expense_claim").mkdir(parents=True)
    (goldens / "rules_expense_claim" / "within-budget.json").write_text(json.dumps(case), encoding="utf-8")
    shutil.copytree(GOLDENS / "rules_invoice", goldens / "rules_invoice")
    common = ("eval", "--goldens", goldens, "--types", types, "--update-baseline")

    first = spawn_cli(*common, "--step", "rules_expense_claim")
    try:
        _wait_for(tmp_path / "waiting", first)  # it has read the baseline (there is none yet) and runs its case
        second = run_cli(*common, "--step", "rules_invoice")
        assert second.returncode == 0, second.stdout + second.stderr
    finally:
        (tmp_path / "go").touch()
        out, err = first.communicate(timeout=60)
    assert first.returncode == 0, out + err

    written = load_baseline(goldens / "baseline.replay.json", "replay")
    invoice = {f"rules_invoice-{path.stem}" for path in (goldens / "rules_invoice").glob("*.json")}
    assert set(written.cases) == invoice | {"rules_expense_claim-within-budget"}
    assert set(written.metrics) == {"rules_invoice", "rules_expense_claim"}
    assert set(written.case_sha256) == set(written.cases)
    assert run_cli("eval", "--goldens", goldens, "--types", types).returncode == 0  # both steps gate as written


_MERGE = """
import sys, time
from pathlib import Path
from claimflow.evals.baseline import update_baseline_file
path, case, hold = Path(sys.argv[1]), sys.argv[2], sys.argv[3] == "hold"

def merge(now):
    if hold:
        (path.parent / "merging").touch()
        end = time.monotonic() + 60
        while not (path.parent / "go").exists() and time.monotonic() < end:
            time.sleep(0.02)
    return now.model_copy(update={"cases": now.cases | {case: True}})

(path.parent / f"{case}-ready").touch()  # imported: about to take the lock
update_baseline_file(path, "replay", merge)
"""


def _merging(path: Path, case: str, *, hold: bool) -> subprocess.Popen[str]:
    command = [sys.executable, "-c", _MERGE, str(path), case, "hold" if hold else "go"]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_a_second_update_waits_for_the_first_to_write_and_merges_into_it(tmp_path: Path) -> None:
    path = tmp_path / "baseline.replay.json"
    write_baseline(path, Baseline(model="replay", cases={"kept": True}))
    first = _merging(path, "first", hold=True)
    try:
        _wait_for(tmp_path / "merging", first)  # the first has read the file and holds the lock
        second = _merging(path, "second", hold=False)
        _wait_for(tmp_path / "second-ready", second)
        # Without the lock the second read the file the first had read too, wrote, and ended at once: the first's
        # write then dropped its case. With it, it waits for the first (a slow machine only makes it wait longer).
        time.sleep(0.5)
        assert second.poll() is None, second.communicate()
    finally:
        (tmp_path / "go").touch()
        first.communicate(timeout=60)
    second.communicate(timeout=60)
    assert (first.returncode, second.returncode) == (0, 0)
    assert load_baseline(path, "replay").cases == {"kept": True, "first": True, "second": True}
    left = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("."))
    assert left == [".baseline.replay.json.lock"]  # the lock file stays; no temporary file is left
