"""`rerun` refuses a run whose type is not loaded here, before anything changes.

Run again without the `--types` it was made with (`rerun --version-mismatch` lists such runs as of another
version), the old run was closed as superseded, its open review with it, and its document run again as `unknown`.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli._order_form import paused_order
from tests.integration._docs import run_cli


def test_a_run_of_a_type_not_loaded_is_not_run_again_without_it(tmp_path: Path) -> None:
    types, data, view = paused_order(tmp_path)
    run_id = view["run_id"]

    for args in (("--version-mismatch",), (run_id,)):
        blind = run_cli("rerun", *args, "--data-dir", data)
        assert blind.returncode == 1, blind.stderr
        assert f"run {run_id} is of document type 'order_form', which is not loaded here" in blind.stderr
    listed = run_cli("runs", "--json", "--data-dir", data)
    assert [(row["run_id"], row["status"]) for row in map(json.loads, listed.stdout.splitlines())] == [
        (run_id, "needs_review")
    ]

    seen = run_cli("rerun", run_id, "--json", "--types", types, "--data-dir", data)
    assert seen.returncode == 0, seen.stderr
    again = json.loads(seen.stdout.splitlines()[0])
    assert (again["rerun_of"], again["doc_type"], again["status"]) == (run_id, "order_form", "needs_review")
