"""A data directory this process may not write: the commands that read runs read it, the others refuse it in one line.

The databases are in WAL mode, where SQLite writes even to read (the `-shm` index beside each). The folders are
real: mounted read-only (a bind mount in a mount namespace of the test's own, where root may not write either),
or another user's, its modes 0555 and 0444 (with the capabilities that let root ignore modes dropped).
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

from tests.integration._docs import (
    claimflow_executable,
    cli_env,
    flat,
    invoice_text,
    json_lines,
    mismatch_invoice_text,
    run_cli,
    write,
)

STOPPED = 3

READING: dict[str, tuple[str, ...]] = {
    "runs": ("runs",),
    "runs --json": ("runs", "--json"),
    "show": ("show", "{completed}", "--json"),
    "explain": ("explain", "{completed}"),
    "trace": ("trace", "{completed}", "--json"),
    "review list": ("review", "list", "--json"),
    "review show": ("review", "show", "{waiting}", "--json"),
    "export": ("export", "{out}"),
    "status": ("status", "--json"),
}
"""The commands that only read runs, with what each must print of the two runs."""

WRITING: dict[str, tuple[str, ...]] = {
    "run": ("run", "{doc}"),
    "review decide": ("review", "decide", "{waiting}", "--reviewer", "ann", "--approve"),
    "review assign": ("review", "assign", "{waiting}", "--to", "ann"),
    "recover": ("recover",),
}

_MOUNTED = 'd=$1; shift; mount --bind "$d" "$d" && mount -o remount,ro,bind "$d" && exec "$@"'
"""In a new user and mount namespace: `$1` mounted read-only over itself, then the command."""

_ANOTHER_USERS = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search,-fowner", "--inh-caps", "-all"]
"""Root without the capabilities to write, or change the modes of, what its modes close to it."""


def _read_only(data: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    """`claimflow ARGS... --data-dir DATA` with DATA mounted read-only."""
    command = ["unshare", "--map-root-user", "--mount", "sh", "-c", _MOUNTED, "sh", str(data)]
    return _claimflow(command, data, *args)


def _claimflow(before: list[str], data: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    command = [*before, claimflow_executable(), *map(str, args), "--data-dir", str(data)]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, env=cli_env(), check=False)


def _runs(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A data directory with a completed run and one waiting for review, closed as a command leaves it."""
    data, inbox = tmp_path / "data", tmp_path / "inbox"
    write(inbox, "clean.txt", invoice_text("NW-RO-1"))
    write(inbox, "mismatch.txt", mismatch_invoice_text("NW-RO-2"))
    made = run_cli("run", inbox, "--json", "--data-dir", data)
    assert made.returncode == 0, made.stderr
    runs = {view["document"]: view for view in json_lines(made.stdout)}
    assert runs["clean.txt"]["status"] == "completed" and runs["mismatch.txt"]["status"] == "needs_review", runs
    return data, {
        "completed": runs["clean.txt"]["run_id"],
        "waiting": runs["mismatch.txt"]["run_id"],
        "doc": str(write(inbox, "another.txt", invoice_text("NW-RO-3"))),
        "out": str(tmp_path / "out.jsonl"),
    }


def _contents(data: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(data.iterdir())}


def _check_read(command: str, result: subprocess.CompletedProcess[str], names: dict[str, str]) -> None:
    """What each reading command must have printed of the two runs."""
    assert result.returncode == 0, (command, result.stdout, result.stderr)
    completed, waiting = names["completed"], names["waiting"]
    if command == "runs":
        assert completed[:12] in result.stdout and waiting[:12] in result.stdout
    elif command == "runs --json":
        assert {view["run_id"] for view in json_lines(result.stdout)} == {completed, waiting}
    elif command == "show":
        [view] = json_lines(result.stdout)
        assert view["run_id"] == completed and view["fields"]["invoice_number"]["value"] == "NW-RO-1"
    elif command == "explain":
        assert "outcome: completed" in result.stdout
    elif command == "trace":
        assert "run.started" in [event["type"] for event in json_lines(result.stdout)]
    elif command in ("review list", "review show"):
        assert [view["run_id"] for view in json_lines(result.stdout)] == [waiting]
    elif command == "export":
        [record] = json_lines(Path(names["out"]).read_text(encoding="utf-8"))
        assert record["run_id"] == completed
    else:
        [status] = json_lines(result.stdout)
        assert status["runs"] == {"completed": 1, "needs_review": 1}, status


def test_every_command_that_reads_runs_reads_a_data_directory_mounted_read_only(tmp_path: Path) -> None:
    data, names = _runs(tmp_path)
    assert sorted(path.name for path in data.iterdir()) == ["checkpoints.db", "claimflow.db", "documents.db"]
    before = _contents(data)

    for command, args in READING.items():
        _check_read(command, _read_only(data, *(arg.format(**names) for arg in args)), names)

    assert _contents(data) == before


def test_every_command_that_writes_refuses_a_data_directory_mounted_read_only_in_one_line(tmp_path: Path) -> None:
    data, names = _runs(tmp_path)
    refusal = (
        f"error: stopped: cannot use the data directory {data}: it may not be written here (a read-only file "
        "system); only commands that read runs can use it"
    )

    for command, args in WRITING.items():
        result = _read_only(data, *(arg.format(**names) for arg in args))

        assert result.returncode == STOPPED, (command, result.stdout, result.stderr)
        assert result.stderr.splitlines() == [refusal], command


def test_a_database_another_process_holds_open_is_read_with_the_commits_in_its_log(tmp_path: Path) -> None:
    data, names = _runs(tmp_path)
    # A process that may write keeps the registry open: the next run's commits stay in its log, not in the file.
    holder = sqlite3.connect(data / "claimflow.db")
    try:
        holder.execute("SELECT count(*) FROM runs").fetchone()
        later = run_cli("run", names["doc"], "--json", "--data-dir", data)
        assert later.returncode == 0, later.stderr
        [third] = json_lines(later.stdout)
        assert (data / "claimflow.db-wal").stat().st_size > 0  # the run's commits are there, and only there

        listed = _read_only(data, "runs", "--json")
        shown = _read_only(data, "show", third["run_id"], "--json")
    finally:
        holder.close()

    assert listed.returncode == 0, listed.stderr
    assert {view["run_id"] for view in json_lines(listed.stdout)} == {
        names["completed"],
        names["waiting"],
        third["run_id"],
    }
    assert shown.returncode == 0, shown.stderr
    assert json_lines(shown.stdout)[0]["status"] == "completed"


def test_a_log_copied_without_its_index_is_refused_naming_it(tmp_path: Path) -> None:
    data, names = _runs(tmp_path)
    holder = sqlite3.connect(data / "claimflow.db")
    copy = tmp_path / "copy"
    try:
        holder.execute("SELECT count(*) FROM runs").fetchone()
        assert run_cli("run", names["doc"], "--data-dir", data).returncode == 0
        copy.mkdir()
        for name in ("claimflow.db", "claimflow.db-wal", "checkpoints.db", "documents.db"):
            shutil.copy2(data / name, copy / name)  # the log, but not its index (claimflow.db-shm)
    finally:
        holder.close()

    result = _read_only(copy, "runs")

    assert result.returncode == STOPPED, (result.stdout, result.stderr)
    assert flat(result.stderr) == (
        f"error: stopped: cannot use the data directory {copy}: claimflow.db-wal holds commits, and without "
        "claimflow.db-shm beside it they cannot be read where nothing may be written: open it once where it may be "
        f"written, or copy the data directory with every file in it ({copy}/claimflow.db-wal)"
    )


def test_a_registry_an_earlier_version_wrote_is_refused_read_only_saying_how_to_upgrade_it(tmp_path: Path) -> None:
    data, _ = _runs(tmp_path)
    with sqlite3.connect(data / "claimflow.db") as registry:
        registry.execute("ALTER TABLE runs DROP COLUMN superseded_by")  # as a registry made before that column
    registry.close()

    result = _read_only(data, "runs")

    assert result.returncode == STOPPED, (result.stdout, result.stderr)
    assert flat(result.stderr) == (
        f"error: stopped: cannot use the data directory {data}: an earlier version wrote its registry: a command "
        f"that may write it upgrades it, then it can be read ({data}/claimflow.db)"
    )


def test_another_users_data_directory_is_read_and_refused_by_its_modes(tmp_path: Path) -> None:
    data, names = _runs(tmp_path)
    for path in data.iterdir():
        path.chmod(0o444)
    data.chmod(0o555)
    try:
        read = _claimflow(_ANOTHER_USERS, data, "runs", "--json")
        written = _claimflow(_ANOTHER_USERS, data, "run", names["doc"])
    finally:
        data.chmod(0o700)

    assert read.returncode == 0, read.stderr
    assert {view["run_id"] for view in json_lines(read.stdout)} == {names["completed"], names["waiting"]}
    assert written.returncode == STOPPED, written.stderr
    assert written.stderr.splitlines() == [
        f"error: stopped: cannot use the data directory {data}: it may not be written here (permission denied); "
        "only commands that read runs can use it"
    ]
