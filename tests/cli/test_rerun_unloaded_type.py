"""`rerun` refuses a run whose type is not loaded here, before anything changes.

Run again without the `--types` it was made with (`rerun --version-mismatch` lists such runs as of another
version), the old run was closed as superseded, its open review with it, and its document run again as `unknown`.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli._order_form import paused_order
from tests.integration._docs import flat, run_cli


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


def test_rerun_and_a_decision_refuse_a_run_of_a_type_not_loaded_in_one_wording(tmp_path: Path) -> None:
    # Re-running and deciding meet the same missing type: one message, the rerun's adding what a rerun would do.
    _, data, view = paused_order(tmp_path)
    run_id = view["run_id"]

    rerun = run_cli("rerun", run_id, "--data-dir", data)
    decided = run_cli("review", "decide", run_id, "--reviewer", "kim", "--approve", "--data-dir", data)

    assert (rerun.returncode, decided.returncode) == (1, 1), rerun.stderr + decided.stderr
    rerun_said, decision_said = (flat(done.stderr).removeprefix("error: ") for done in (rerun, decided))
    lead = f"run {run_id} is of document type 'order_form', which is not loaded here (active: "
    active = rerun_said.removeprefix(lead).split("): ")[0]
    assert set(active.split(", ")) == {"contract", "invoice", "receipt"}
    load_it = "name the module that declares it with --types (or CLAIMFLOW_TYPES, claimflow.toml) and try again"
    assert (
        rerun_said
        == f"{lead}{active}): run again without it, its document would be none of the active types; {load_it}"
    )
    assert decision_said == f"{lead}{active}): {load_it}"
