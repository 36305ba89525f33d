"""`claimflow erase` on SQLite: no byte of an erased run's values stays in the data directory; its audit shape does."""

from __future__ import annotations

from pathlib import Path

from tests.integration._docs import json_lines, run_cli, write
from tests.integration._erasing import erase_leaves_no_value_and_keeps_the_audit, refusals_change_nothing


def test_erase_leaves_no_value_in_any_file_and_keeps_the_audit(tmp_path: Path) -> None:
    erase_leaves_no_value_and_keeps_the_audit(tmp_path)


def test_refused_erasures_change_nothing(tmp_path: Path) -> None:
    refusals_change_nothing(tmp_path)


def test_a_run_intake_refused_is_erased_and_explain_says_so(tmp_path: Path) -> None:
    # No step ran: no state, no document; its file name is in its row, its run.started event and its error.
    env = {"CLAIMFLOW_DATA_DIR": str(tmp_path / "data"), "CLAIMFLOW_MAX_DOCUMENT_BYTES": "100"}
    write(tmp_path / "docs", "jolanda-brandt.txt", "Jolanda Brandt " * 20)
    [refused] = json_lines(run_cli("run", tmp_path / "docs", "--json", **env).stdout)
    assert refused["status"] == "failed"

    done = run_cli("erase", refused["run_id"], "--reason", "DS-32", **env)
    assert done.returncode == 0, done.stderr

    explained = run_cli("explain", refused["run_id"], **env).stdout
    assert "erased at" in explained and "DS-32" in explained and "no step ran" in explained
    stored = b"".join(path.read_bytes() for path in (tmp_path / "data").rglob("*") if path.is_file())
    assert b"olanda" not in stored
