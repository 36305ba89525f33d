"""`claimflow replay` on runs it cannot run again, and on a `--status` no run can have."""

from __future__ import annotations

import json
import time
from pathlib import Path

from tests.cli.conftest import Invoke

DOCUMENTS = Path(__file__).parents[2] / "examples" / "documents"


def _run(claimflow: Invoke, data: Path, document: str) -> str:
    done = claimflow("run", DOCUMENTS / document, "--json", "--data-dir", data)
    assert done.exit_code == 0, done.stderr
    return str(json.loads(done.stdout)["run_id"])


def test_a_pruned_run_is_refused_and_the_other_runs_are_replayed(claimflow: Invoke, tmp_path: Path) -> None:
    data = tmp_path / "data"
    pruned = _run(claimflow, data, "invoice-clean.pdf")
    time.sleep(1.1)  # older than the shortest age a prune takes
    done = claimflow("prune", "--finished-older-than", "1s", "--json", "--data-dir", data)
    assert done.exit_code == 0 and json.loads(done.stdout)["runs"] == [pruned], done.output
    kept = _run(claimflow, data, "receipt-photo.jpg")

    done = claimflow("replay", pruned, kept, "--json", "--data-dir", data)

    assert done.exit_code == 1, done.output  # a refused run, not a machine that stopped (3)
    first, second, total = (json.loads(line) for line in done.stdout.splitlines())
    assert first["run_id"] == pruned and first["after"] is None
    assert first["refused"] == (
        f"run {pruned} was pruned: its stored document is gone (`claimflow prune`), so it cannot run again"
    )
    assert second["run_id"] == kept and second["refused"] is None and second["after"] == "completed"
    # The rules run has no recordings: its two steps are asked of rules again.
    assert total == {"summary": {"runs": 2, "changed": 0, "refused": 1, "model_calls": 2, "changes": {}}}
    assert "stopped" not in done.stderr and "recover" not in done.stderr, done.stderr


def test_a_status_no_run_can_have_is_a_usage_error(claimflow: Invoke, tmp_path: Path) -> None:
    data = tmp_path / "data"
    _run(claimflow, data, "invoice-clean.pdf")

    done = claimflow("replay", "--status", "complete", "--data-dir", data)

    assert done.exit_code == 2, done.output  # not "replayed 0 run(s)", which looks like success
    assert "'complete' is no run status" in done.stderr and not done.stdout
