"""A data directory that cannot be created or used: one line naming it and the OS's reason, exit code 3.

Every command that opens the data directory says so the same way (`error: stopped: ...`), with no advice to run
again or recover: nothing was opened, so nothing waits to be continued. `check` shows it as its failed storage
check. The folders are real: a file where the directory should be, a directory under a file, one in `/proc`
(where no one may create anything), and one in a folder its user may not write.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli.conftest import Invoke
from tests.integration._docs import claimflow_executable, cli_env, flat, invoice_text, json_lines

STOPPED = 3

RUN_ID = "0123456789ab"

COMMANDS: dict[str, tuple[str, ...]] = {
    "run": ("run", "{doc}"),
    "run --json": ("run", "{doc}", "--json"),
    "runs": ("runs",),
    "show": ("show", RUN_ID),
    "trace": ("trace", RUN_ID),
    "review list": ("review", "list"),
    "status": ("status",),
    "export": ("export", "{out}"),
}
"""Commands that open the data directory, whether to write runs or only to read them."""


READING: dict[str, tuple[str, ...]] = {
    "runs": ("runs",),
    "runs --json": ("runs", "--json"),
    "show": ("show", RUN_ID),
    "trace": ("trace", RUN_ID),
    "explain": ("explain", RUN_ID),
    "review list": ("review", "list"),
    "review show": ("review", "show", RUN_ID),
    "export": ("export", "{out}"),
    "token list": ("token", "list"),
    "status": ("status",),
}
"""Commands that only read: a data directory that is not there is a mistake in its name, not an empty one."""

NOT_THERE = (
    "it does not exist (this command only reads, and makes no data directory): name the one your runs are in with "
    "--data-dir or CLAIMFLOW_DATA_DIR"
)


def _a_file(tmp_path: Path) -> tuple[Path, str]:
    (tmp_path / "taken").write_text("not a folder", encoding="utf-8")
    return tmp_path / "taken", "Not a directory"


def _under_a_file(tmp_path: Path) -> tuple[Path, str]:
    (tmp_path / "taken").write_text("not a folder", encoding="utf-8")
    return tmp_path / "taken" / "data", "Not a directory"


def _in_proc(tmp_path: Path) -> tuple[Path, str]:
    return Path("/proc") / f"claimflow-{tmp_path.name}", "No such file or directory"


UNUSABLE: dict[str, Callable[[Path], tuple[Path, str]]] = {
    "a file": _a_file,
    "under a file": _under_a_file,
    "in /proc": _in_proc,
}


@pytest.mark.parametrize("where", UNUSABLE)
@pytest.mark.parametrize("command", COMMANDS)
def test_a_data_directory_that_cannot_be_made_stops_every_command_with_one_line(
    claimflow: Invoke, tmp_path: Path, command: str, where: str
) -> None:
    data, reason = UNUSABLE[where](tmp_path)
    doc = tmp_path / "invoice.txt"
    doc.write_text(invoice_text("NW-DIR-1"), encoding="utf-8")
    args = [arg.format(doc=doc, out=tmp_path / "out.jsonl") for arg in COMMANDS[command]]

    result = claimflow(*args, env={"CLAIMFLOW_DATA_DIR": str(data)})

    assert result.exit_code == STOPPED, (result.stdout, result.stderr, result.exception)
    assert result.stdout == ""
    if command in READING and reason == "No such file or directory":
        reason = NOT_THERE  # a command that only reads makes no data directory: it says there is none
    assert flat(result.stderr) == f"error: stopped: cannot use the data directory {data}: {reason}"


def test_the_data_dir_option_is_told_the_same_way(claimflow: Invoke, tmp_path: Path) -> None:
    data, reason = _a_file(tmp_path)
    doc = tmp_path / "invoice.txt"
    doc.write_text(invoice_text("NW-DIR-2"), encoding="utf-8")

    result = claimflow("run", doc, "--data-dir", data)

    assert result.exit_code == STOPPED, (result.stdout, result.stderr, result.exception)
    assert result.stderr.splitlines() == [f"error: stopped: cannot use the data directory {data}: {reason}"]


def test_a_data_directory_in_a_folder_its_user_may_not_write_stops_with_permission_denied(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    doc = tmp_path / "invoice.txt"
    doc.write_text(invoice_text("NW-DIR-3"), encoding="utf-8")
    data = locked / "data"
    # Without the capabilities that let an administrator write anywhere, modes hold for every user, root too.
    unprivileged = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search", "--inh-caps", "-all"]
    try:
        results = [
            subprocess.run(
                [*unprivileged, claimflow_executable(), *args, "--data-dir", str(data)],
                capture_output=True,
                text=True,
                timeout=120,
                env=cli_env(),
                check=False,
            )
            for args in (["run", str(doc)], ["runs"])
        ]
        check = subprocess.run(
            [*unprivileged, claimflow_executable(), "check", "--json", "--data-dir", str(data)],
            capture_output=True,
            text=True,
            timeout=120,
            env=cli_env(),
            check=False,
        )
    finally:
        locked.chmod(0o700)

    made, read = results
    assert made.returncode == STOPPED, made.stderr
    assert flat(made.stderr) == f"error: stopped: cannot use the data directory {data}: Permission denied"
    assert read.returncode == STOPPED, read.stderr  # `runs` only reads: it would make no data directory
    assert flat(read.stderr) == f"error: stopped: cannot use the data directory {data}: {NOT_THERE}"
    assert not data.exists()
    assert check.returncode == 1, check.stderr
    [storage] = [line for line in json_lines(check.stdout) if line["check"] == "storage"]
    assert storage["outcome"] == "failed" and "Permission denied" in storage["detail"], storage


@pytest.mark.parametrize("where", UNUSABLE)
def test_check_fails_its_storage_check_for_a_data_directory_that_cannot_be_made(
    claimflow: Invoke, tmp_path: Path, where: str
) -> None:
    data, reason = UNUSABLE[where](tmp_path)

    result = claimflow("check", "--json", "--data-dir", data)

    assert result.exit_code == 1, (result.stdout, result.stderr)
    found = {line.pop("check"): line for line in json_lines(result.stdout)}
    assert found["storage"]["outcome"] == "failed", found
    assert str(data) in found["storage"]["detail"] and reason in found["storage"]["detail"], found
    assert not data.is_dir() and not list(tmp_path.glob(".claimflow-check-*"))  # nothing made, nothing left


@pytest.mark.parametrize("command", READING)
def test_a_command_that_only_reads_says_its_data_directory_does_not_exist_and_makes_none(
    claimflow: Invoke, tmp_path: Path, command: str
) -> None:
    typo = tmp_path / "dtaa"
    out = tmp_path / "out.jsonl"
    args = [arg.format(out=out) for arg in READING[command]]

    result = claimflow(*args, "--data-dir", typo)

    assert result.exit_code == STOPPED, (result.stdout, result.stderr, result.exception)
    assert result.stdout == ""
    assert flat(result.stderr) == f"error: stopped: cannot use the data directory {typo}: {NOT_THERE}"
    assert not typo.exists() and not out.exists()
