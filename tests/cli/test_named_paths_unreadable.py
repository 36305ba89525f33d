"""A path named to `run` that is not there or cannot be read is skipped with its reason; every other one runs.

It is told as a folder walk tells a skipped entry (`skipped PATH: REASON`, or `{"skipped", "reason"}` first in
`--json`), and, being an input lost, makes the batch exit 1 as a failed document does: cron must notice. So does an
entry of a folder that could not be read (permission denied, a dangling link, a link loop), while entries skipped
by design (hidden, links to folders, devices and FIFOs) leave the exit code 0. Bad options stay usage errors (2).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from tests.cli.conftest import Invoke
from tests.integration._docs import claimflow_executable, cli_env, flat, invoice_text, json_lines

UNPRIVILEGED = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search", "--inh-caps", "-all"]
"""Without the capabilities that let an administrator read anything, modes hold for every user, root too."""


def _invoice(folder: Path, name: str, number: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(invoice_text(number), encoding="utf-8")
    return path


def test_a_named_file_that_does_not_exist_is_skipped_and_the_others_run(claimflow: Invoke, tmp_path: Path) -> None:
    good = _invoice(tmp_path / "in", "good.txt", "NW-NAMED-1")
    missing = tmp_path / "in" / "missing.txt"
    data = tmp_path / "data"

    as_json = claimflow("run", good, missing, "--json", "--data-dir", data)
    human = claimflow("run", missing, good, "--data-dir", data)

    assert as_json.exit_code == 1, (as_json.stdout, as_json.stderr, as_json.exception)
    skipped, view = json_lines(as_json.stdout)
    assert skipped == {"skipped": str(missing), "reason": "does not exist"}  # first, before the runs
    assert view["document"] == "good.txt" and view["status"] == "completed"
    assert human.exit_code == 1, (human.stdout, human.stderr)
    printed = flat(human.stdout)
    assert f"skipped {missing}: does not exist" in printed and "good.txt" in printed
    assert "Invalid value" not in human.stderr


def test_a_named_dangling_link_is_skipped_as_a_folder_walk_skips_it(claimflow: Invoke, tmp_path: Path) -> None:
    good = _invoice(tmp_path / "in", "good.txt", "NW-NAMED-2")
    dangling = tmp_path / "in" / "dangling.txt"
    dangling.symlink_to(tmp_path / "in" / "gone.txt")

    result = claimflow("run", dangling, good, "--json", "--data-dir", tmp_path / "data")

    assert result.exit_code == 1, (result.stdout, result.stderr)
    skipped, view = json_lines(result.stdout)
    assert skipped == {"skipped": str(dangling), "reason": "a dangling link (its target does not exist)"}
    assert view["document"] == "good.txt" and view["status"] == "completed"


def test_only_missing_paths_run_nothing_and_exit_1(claimflow: Invoke, tmp_path: Path) -> None:
    result = claimflow("run", tmp_path / "a.txt", tmp_path / "b.txt", "--json", "--data-dir", tmp_path / "data")

    assert result.exit_code == 1, (result.stdout, result.stderr)
    assert json_lines(result.stdout) == [
        {"skipped": str(tmp_path / "a.txt"), "reason": "does not exist"},
        {"skipped": str(tmp_path / "b.txt"), "reason": "does not exist"},
    ]


def test_a_named_file_that_cannot_be_read_is_skipped_and_the_others_run(tmp_path: Path) -> None:
    good = _invoice(tmp_path / "in", "good.txt", "NW-NAMED-3")
    private = _invoice(tmp_path / "in", "private.txt", "NW-NAMED-4")
    private.chmod(0)
    locked = _invoice(tmp_path / "in" / "locked", "inside.txt", "NW-NAMED-5")
    (tmp_path / "in" / "locked").chmod(0)
    command = [
        claimflow_executable(),
        "run",
        str(private),
        str(good),
        str(locked),
        "--data-dir",
        str(tmp_path / "data"),
    ]
    try:
        as_json = subprocess.run(
            [*UNPRIVILEGED, *command, "--json"], capture_output=True, text=True, timeout=120, env=cli_env(), check=False
        )
        human = subprocess.run(
            [*UNPRIVILEGED, *command], capture_output=True, text=True, timeout=120, env=cli_env(), check=False
        )
    finally:
        (tmp_path / "in" / "locked").chmod(0o700)

    assert as_json.returncode == 1, as_json.stderr
    *skipped, view = json_lines(as_json.stdout)
    assert skipped == [
        {"skipped": str(private), "reason": "cannot be read: Permission denied"},
        {"skipped": str(locked), "reason": "cannot be read: Permission denied"},
    ]
    assert view["document"] == "good.txt" and view["status"] == "completed"
    assert human.returncode == 1, human.stderr
    assert f"skipped {private}: cannot be read: Permission denied" in flat(human.stdout)


def test_a_folder_entry_that_could_not_be_read_fails_the_batch(claimflow: Invoke, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    _invoice(docs, "invoice.txt", "NW-WALK-1")
    (docs / "dangling.txt").symlink_to(docs / "gone.txt")

    result = claimflow("run", docs, "--json", "--data-dir", tmp_path / "data")

    assert result.exit_code == 1, (result.stdout, result.stderr)
    skipped, view = json_lines(result.stdout)
    assert skipped == {"skipped": str(docs / "dangling.txt"), "reason": "a dangling link (its target does not exist)"}
    assert view["status"] == "completed"


def test_a_link_loop_in_a_folder_fails_the_batch(claimflow: Invoke, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    _invoice(docs, "invoice.txt", "NW-WALK-2")
    (docs / "loop.txt").symlink_to(docs / "loop.txt")

    result = claimflow("run", docs, "--data-dir", tmp_path / "data")

    assert result.exit_code == 1, (result.stdout, result.stderr)
    assert "a link loop (its links lead back to themselves)" in flat(result.stdout)


def test_entries_skipped_by_design_leave_the_batch_successful(claimflow: Invoke, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    _invoice(docs / "sub", "invoice.txt", "NW-WALK-3")
    (docs / ".hidden.txt").write_text(invoice_text("NW-WALK-4"), encoding="utf-8")
    (docs / "folder-link").symlink_to(docs / "sub")
    (docs / "device").symlink_to("/dev/null")
    os.mkfifo(docs / "pipe")

    result = claimflow("run", docs, "--json", "--data-dir", tmp_path / "data")

    assert result.exit_code == 0, (result.stdout, result.stderr)
    lines = json_lines(result.stdout)
    assert len([line for line in lines if "skipped" in line]) == 4
    assert [line["status"] for line in lines if "run_id" in line] == ["completed"]


def test_bad_options_are_still_usage_errors(claimflow: Invoke, tmp_path: Path) -> None:
    good = _invoice(tmp_path / "in", "good.txt", "NW-NAMED-6")

    assert claimflow("run", good, "--on-budget", "maybe", "--data-dir", tmp_path / "data").exit_code == 2
    assert claimflow("run", good, "--concurrency", "0", "--data-dir", tmp_path / "data").exit_code == 2
    assert claimflow("run", "--data-dir", tmp_path / "data").exit_code == 2  # no path at all
    assert not (tmp_path / "data").exists()
