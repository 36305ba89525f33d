"""`claimflow rerun` takes failed runs too: a batch failed while the model's server was down is run again.

The model's server is a port nothing listens on, so each call fails at once (one attempt); the runs fail with
`ModelUnavailableError`. `rerun --failed` runs their stored documents again, by default on the model each run
used (still down: they fail again, saying so), or on another with `--model`. The old runs stay failed, superseded,
their error kept; running the folder again finds the new runs; nothing is run again twice, nor a completed run.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from contextlib import closing
from pathlib import Path
from typing import Any

from claimflow.runtime.cli._common import short_id
from tests.cli.conftest import Invoke
from tests.fakes.tcp_proxy import closed_port
from tests.integration._docs import MEMO, flat, invoice_text, json_lines, write

DOWN = {"CLAIMFLOW_MODEL_MAX_ATTEMPTS": "1", "OPENAI_API_KEY": ""}


def _runs(claimflow: Invoke, data: Path, *args: str | Path, env: dict[str, str] | None = None) -> list[dict[str, Any]]:
    result = claimflow(*args, "--json", "--data-dir", data, env=env)
    assert result.exit_code in (0, 1), result.output
    return json_lines(result.stdout)


def test_runs_failed_while_the_model_was_down_are_run_again(claimflow: Invoke, tmp_path: Path) -> None:
    docs, data = tmp_path / "docs", tmp_path / "data"
    write(docs, "a-invoice.txt", invoice_text())
    write(docs, "b-memo.txt", MEMO)
    down = ["--model", "openai:fake-model", "--base-url", f"http://127.0.0.1:{closed_port()}/v1"]
    failed = _runs(claimflow, data, "run", docs, *down, env=DOWN)
    assert [view["status"] for view in failed] == ["failed", "failed"]
    assert all("ModelUnavailableError" in view["error"] for view in failed)

    # By default each run is run again on its own model: still down, so it fails again, saying where it went.
    again = _runs(claimflow, data, "rerun", failed[0]["run_id"], env=DOWN)
    assert [(view["rerun_of"], view["status"]) for view in again] == [(failed[0]["run_id"], "failed")]
    assert "on openai:fake-model" in again[0]["error"]

    # Once the model is another (or back), every failed run not yet run again goes again: the memo and the retry.
    rerun = _runs(claimflow, data, "rerun", "--failed", "--model", "rules")
    assert [(view["rerun_of"], view["document"]) for view in rerun] == [
        (failed[1]["run_id"], "b-memo.txt"),
        (again[0]["run_id"], "a-invoice.txt"),
    ]
    assert [view["status"] for view in rerun] == ["needs_review", "completed"]

    old = {view["run_id"]: view for view in _runs(claimflow, data, "runs")}
    for before, after in ((failed[1], rerun[0]), (again[0], rerun[1])):
        error = old[before["run_id"]]["error"]
        assert old[before["run_id"]]["status"] == "failed"
        assert old[before["run_id"]]["superseded_by"] == after["run_id"] and after["superseded_by"] is None
        assert error.startswith(f"superseded: run again as {after['run_id']}"), error
        assert "; it had failed: ModelUnavailableError" in error  # what failed it is kept

    # The folder again finds the new runs; nothing is left to run again; a run is not run again twice.
    assert {view["run_id"] for view in _runs(claimflow, data, "run", docs)} == {view["run_id"] for view in rerun}
    assert _runs(claimflow, data, "rerun", "--failed") == []
    twice = claimflow("rerun", failed[1]["run_id"], "--data-dir", data)
    assert twice.exit_code == 1 and "was run again already" in twice.output
    completed = claimflow("rerun", rerun[1]["run_id"], "--data-dir", data)
    assert completed.exit_code == 1 and "is completed; only unfinished and failed runs are re-run" in completed.output


def test_rerun_runs_the_runs_it_names_and_no_others(claimflow: Invoke, tmp_path: Path) -> None:
    docs, data = tmp_path / "docs", tmp_path / "data"
    write(docs, "a-memo.txt", MEMO)
    write(docs, "b-memo.txt", MEMO.replace("memo", "note"))
    down = ["--model", "openai:fake-model", "--base-url", f"http://127.0.0.1:{closed_port()}/v1"]
    first, second = _runs(claimflow, data, "run", docs, *down, env=DOWN)

    (rerun,) = _runs(claimflow, data, "rerun", first["run_id"], "--model", "rules")

    assert rerun["rerun_of"] == first["run_id"]
    statuses = {view["run_id"]: (view["status"], view["error"]) for view in _runs(claimflow, data, "runs")}
    assert statuses[second["run_id"]] == ("failed", second["error"])  # untouched
    assert json.dumps(statuses[first["run_id"]]).count("superseded") == 1


def test_a_failed_run_whose_document_was_pruned_is_not_run_again(claimflow: Invoke, tmp_path: Path) -> None:
    docs, data = tmp_path / "docs", tmp_path / "data"
    write(docs, "memo.txt", MEMO)
    down = ["--model", "openai:fake-model", "--base-url", f"http://127.0.0.1:{closed_port()}/v1"]
    (failed,) = _runs(claimflow, data, "run", docs, *down, env=DOWN)
    time.sleep(1.1)  # older than the shortest age a prune takes
    assert claimflow("prune", "--finished-older-than", "1s", "--data-dir", data).exit_code == 0

    told = claimflow("rerun", "--failed", "--json", "--data-dir", data)
    assert told.exit_code == 0 and json_lines(told.stdout) == []
    # Told on stderr, not passed over: the failure is still counted, and nothing says it was never re-run.
    assert f"not re-run: {short_id(failed['run_id'])} memo.txt: its document is not stored" in flat(told.stderr)
    named = claimflow("rerun", failed["run_id"], "--data-dir", data)
    assert named.exit_code == 1 and "its document is no longer stored (pruned)" in named.output


def test_a_failed_run_whose_document_was_never_stored_is_named_and_not_run_again(
    claimflow: Invoke, tmp_path: Path
) -> None:
    docs, data = tmp_path / "docs", tmp_path / "data"
    write(docs, "big.txt", invoice_text() + "x" * 2000)
    over = {"CLAIMFLOW_MAX_DOCUMENT_BYTES": "1000"}
    (failed,) = _runs(claimflow, data, "run", docs, env=over)
    assert failed["status"] == "failed"

    told = claimflow("rerun", "--failed", "--data-dir", data, env=over)

    assert told.exit_code == 0, told.output
    said = flat(told.stderr)
    assert f"not re-run: {short_id(failed['run_id'])} big.txt: its document is not stored (big.txt is" in said
    assert "send the file again" in said and "re-ran 0 run(s)" in said


def test_a_run_whose_model_this_process_cannot_build_is_left_as_it_was(claimflow: Invoke, tmp_path: Path) -> None:
    docs, data, empty = tmp_path / "docs", tmp_path / "data", tmp_path / "nothing-recorded"
    write(docs, "memo.txt", MEMO)
    empty.mkdir()
    (failed,) = _runs(claimflow, data, "run", docs, "--model", f"replay:{empty}")  # every call misses: it fails
    assert failed["status"] == "failed"

    refused = claimflow("rerun", "--failed", "--data-dir", data)

    assert refused.exit_code == 2 and "cannot build from its name" in refused.output
    [still] = _runs(claimflow, data, "runs")
    assert (still["run_id"], still["status"], still["error"]) == (failed["run_id"], "failed", failed["error"])
    (rerun,) = _runs(claimflow, data, "rerun", "--failed", "--model", "rules")
    assert rerun["rerun_of"] == failed["run_id"] and rerun["status"] == "needs_review"


def test_error_picks_the_failed_runs_to_run_again_by_what_failed_them(claimflow: Invoke, tmp_path: Path) -> None:
    docs, data = tmp_path / "docs", tmp_path / "data"
    write(docs, "a-memo.txt", MEMO)
    (docs / "b-corrupt.pdf").write_bytes(b"%PDF-1.4\n% cut short")
    down = ["--model", "openai:fake-model", "--base-url", f"http://127.0.0.1:{closed_port()}/v1"]
    memo, corrupt = _runs(claimflow, data, "run", docs, *down, env=DOWN)
    assert "ModelUnavailableError" in memo["error"] and "ModelUnavailableError" not in corrupt["error"]

    alone = claimflow("rerun", "--error", "ModelUnavailableError", "--data-dir", data)
    assert alone.exit_code == 2 and "give --failed with it" in flat(alone.output)
    rerun = _runs(claimflow, data, "rerun", "--failed", "--error", "modelunavailableerror", "--model", "rules")

    assert [view["rerun_of"] for view in rerun] == [memo["run_id"]]  # in any case; the corrupt PDF is left
    statuses = {view["run_id"]: view["error"] for view in _runs(claimflow, data, "runs")}
    assert statuses[corrupt["run_id"]] == corrupt["error"]


def test_a_file_named_like_a_superseded_runs_error_is_not_taken_for_one(claimflow: Invoke, tmp_path: Path) -> None:
    # A file that fails at intake has an error that begins with its name: whether a run was run again is the
    # registry's own column, never read off that text.
    data, fifo = tmp_path / "data", tmp_path / "superseded: run again as 0123abcd"
    os.mkfifo(fifo)
    (failed,) = _runs(claimflow, data, "run", fifo)

    assert failed["status"] == "failed" and failed["error"].startswith("superseded: run again as 0123abcd is a FIFO")
    assert failed["superseded_by"] is None
    named = claimflow("rerun", failed["run_id"], "--data-dir", data)
    assert named.exit_code == 1 and "has no stored document to run again" in flat(named.output)


def test_runs_run_again_before_the_column_existed_are_found_from_their_events(
    claimflow: Invoke, tmp_path: Path
) -> None:
    docs, data = tmp_path / "docs", tmp_path / "data"
    write(docs, "memo.txt", MEMO)
    down = ["--model", "openai:fake-model", "--base-url", f"http://127.0.0.1:{closed_port()}/v1"]
    (failed,) = _runs(claimflow, data, "run", docs, *down, env=DOWN)
    (rerun,) = _runs(claimflow, data, "rerun", "--failed", "--model", "rules")
    os.mkfifo(tmp_path / "superseded: run again as 0123abcd")
    (spoof,) = _runs(claimflow, data, "run", tmp_path / "superseded: run again as 0123abcd")
    # The data directory as an earlier version left it: no superseded_by column.
    with closing(sqlite3.connect(data / "claimflow.db")) as db:
        db.execute("ALTER TABLE runs DROP COLUMN superseded_by")
        db.commit()

    runs = {view["run_id"]: view for view in _runs(claimflow, data, "runs")}

    assert runs[failed["run_id"]]["superseded_by"] == rerun["run_id"]  # its run.superseded event names the new run
    assert runs[spoof["run_id"]]["superseded_by"] is None  # its error reads the same, but no event says so
    assert _runs(claimflow, data, "rerun", "--failed") == []


def test_explain_of_a_failed_run_that_was_run_again_names_the_new_run(claimflow: Invoke, tmp_path: Path) -> None:
    docs, data = tmp_path / "docs", tmp_path / "data"
    write(docs, "memo.txt", MEMO)
    down = ["--model", "openai:fake-model", "--base-url", f"http://127.0.0.1:{closed_port()}/v1"]
    (failed,) = _runs(claimflow, data, "run", docs, *down, env=DOWN)
    (rerun,) = _runs(claimflow, data, "rerun", failed["run_id"], "--model", "rules")

    explained = claimflow("explain", failed["run_id"], "--data-dir", data)
    assert explained.exit_code == 0, explained.output
    lines = explained.stdout.splitlines()
    assert lines[1].startswith("outcome: failed (ModelUnavailableError"), lines[1]  # its own failure, as it ended
    assert lines[-1].startswith(f"then superseded: run again as {rerun['run_id']} under workflow version "), lines
    assert "; it had failed: ModelUnavailableError" in lines[-1]
    assert not any(line.startswith("then failed:") for line in lines)
