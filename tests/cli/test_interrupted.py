"""Ctrl-C (SIGINT) stops a command with exit code 130 and one line on stderr, never a traceback.

A batch interrupted mid-way says what became of its documents: its `--json` lines stay whole, and its table shows
the rows of the documents it finished; running the folder again after `recover` finishes every document once.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
from pathlib import Path

import pytest

import claimflow.runtime.cli as cli
from tests.integration._batches import invoices, registered_or_empty, wait_until
from tests.integration._docs import claimflow_executable, cli_env, json_lines, run_cli


def _as_a_terminal_starts_it() -> None:
    """In the child, before it runs: Ctrl-C's signal handled by default and not blocked, as a shell gives a command.

    A process ignoring SIGINT, or blocking it, passes that on to the commands it starts (a background job, a test
    runner's worker after some in-process test): the command then rightly ignores Ctrl-C, and these tests would
    test nothing.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def _sigint_here() -> str:
    """How this test process takes SIGINT, for a failure's message."""
    blocked = signal.SIGINT in signal.pthread_sigmask(signal.SIG_BLOCK, set())
    return f"SIGINT here: handler {signal.getsignal(signal.SIGINT)!r}, blocked {blocked}"


def _batch(*args: str | Path, merged: bool = False) -> subprocess.Popen[str]:
    """`claimflow ARGS...` started as from a terminal; with `merged`, its stderr goes into its stdout."""
    return subprocess.Popen(
        [claimflow_executable(), *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT if merged else subprocess.PIPE,
        text=True,
        env=cli_env(),
        preexec_fn=_as_a_terminal_starts_it,  # noqa: PLW1509 - only signal calls, safe between fork and exec
    )


def test_ctrl_c_while_the_command_is_being_built_ends_saying_so(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def interrupted() -> None:  # typer's own handling (exit code 130) starts only once the command is built
        raise KeyboardInterrupt

    exits: list[int] = []
    monkeypatch.setattr(cli, "process_runs_one_command", lambda: None)
    monkeypatch.setattr(cli, "app", interrupted)
    monkeypatch.setattr(os, "_exit", exits.append)
    try:
        cli.main()
    except KeyboardInterrupt:
        pytest.fail("Ctrl-C ended the command with a traceback")
    assert exits == [130]
    assert capsys.readouterr().err == "interrupted\n"  # not an exit code alone, as a later interrupt says it


def _interrupted_while_the_database_is_silent(
    inbox: Path, *, connections_first: int
) -> subprocess.CompletedProcess[str]:
    """`claimflow run INBOX` on a Postgres "server" that takes connections and never answers, Ctrl-C'd.

    The first `connections_first` connections are closed at once (found no database); the next one is held
    unanswered while the command gets SIGINT.
    """
    with socket.create_server(("127.0.0.1", 0)) as silent:
        url = f"postgresql://claimflow@127.0.0.1:{silent.getsockname()[1]}/claimflow"
        batch = subprocess.Popen(
            [claimflow_executable(), "run", str(inbox)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=cli_env(CLAIMFLOW_DATABASE_URL=url, CLAIMFLOW_POSTGRES_WAIT_S="60"),
            preexec_fn=_as_a_terminal_starts_it,  # noqa: PLW1509 - only signal calls, safe between fork and exec
        )
        silent.settimeout(60)
        for _ in range(connections_first):
            silent.accept()[0].close()
        connection, _ = silent.accept()
        with connection:
            batch.send_signal(signal.SIGINT)
            stdout, stderr = batch.communicate(timeout=60)
    return subprocess.CompletedProcess(batch.args, batch.returncode, stdout, stderr)


def test_ctrl_c_before_the_database_answers_says_nothing_was_recorded_not_that_storage_failed(tmp_path: Path) -> None:
    # The engine is still opening when Ctrl-C comes (`run` first looked for workers on the database, finding
    # none there). The advice was the one for a database that cannot be reached ("check that the database ... is
    # up"); and the command waited on its unanswered connection for ever (libpq's default connect_timeout).
    invoices(tmp_path / "inbox", 1)
    stopped = _interrupted_while_the_database_is_silent(tmp_path / "inbox", connections_first=1)

    assert stopped.returncode == 130, f"{_sigint_here()}\n{stopped.stderr}"
    assert stopped.stderr == "interrupted; nothing was recorded yet: run the same command again\n"


def test_ctrl_c_before_a_command_opens_its_engine_says_interrupted(tmp_path: Path) -> None:
    # `run` looks for workers on the database before it opens an engine: stopped there, it ended with 130 alone.
    invoices(tmp_path / "inbox", 1)
    stopped = _interrupted_while_the_database_is_silent(tmp_path / "inbox", connections_first=0)

    assert stopped.returncode == 130, f"{_sigint_here()}\n{stopped.stderr}"
    assert stopped.stderr == "interrupted\n"


def test_an_interrupted_batch_says_how_to_continue_and_loses_no_document(tmp_path: Path) -> None:
    docs, data = tmp_path / "inbox", tmp_path / "data"
    invoices(docs, 150)
    batch = _batch("run", docs, "--data-dir", data, "--concurrency", "4", "--json")
    assert batch.stdout is not None
    first = batch.stdout.readline()  # the batch is under way
    batch.send_signal(signal.SIGINT)
    rest, stderr = batch.communicate(timeout=60)

    assert batch.returncode == 130, _sigint_here()
    assert "Traceback" not in stderr
    done = json_lines(first + rest)
    assert len(done) < 150
    # `recover` alone would leave the documents the batch never reached: the advice says so, and how many.
    assert f"interrupted; {150 - len(done)} of the batch's 150 document(s) not finished; every document " in stderr
    assert "run the same command again to continue the batch (`claimflow recover` continues only" in stderr

    assert run_cli("recover", "--data-dir", data, "--json").returncode == 0
    assert len(json_lines(run_cli("runs", "--data-dir", data, "--json").stdout)) < 150
    again = run_cli("run", docs, "--data-dir", data, "--concurrency", "4", "--json")
    assert again.returncode == 0, again.stderr
    rows = json_lines(run_cli("runs", "--data-dir", data, "--json").stdout)
    assert len(rows) == 150
    assert {row["status"] for row in rows} == {"completed"}
    assert len({row["document"] for row in rows}) == 150


def test_an_interrupted_batch_prints_the_table_of_the_documents_it_finished(tmp_path: Path) -> None:
    docs, data = tmp_path / "inbox", tmp_path / "data"
    invoices(docs, 150)
    # stderr into stdout: the table comes first, then the line saying the batch was interrupted.
    batch = _batch("run", docs, "--data-dir", data, "--concurrency", "4", merged=True)
    wait_until(
        lambda: sum(row.status == "completed" for row in registered_or_empty(data)) >= 5,
        timeout=60,
        what="five documents completed",
        alive=batch,
    )
    batch.send_signal(signal.SIGINT)
    output, _ = batch.communicate(timeout=60)

    assert batch.returncode == 130, f"{_sigint_here()}\n{output}"
    assert "Traceback" not in output
    table, _, said = output.partition("interrupted; ")
    left = re.match(r"(\d+) of the batch's 150 document\(s\) not finished", said)
    assert left is not None, output
    rows = [line for line in table.splitlines() if re.match(r"│ [0-9a-f]{12} │", line)]
    assert rows, output
    assert len(rows) == 150 - int(left[1])  # every document finished has its row, and only those
    completed = {row.run_id[:12]: row.filename for row in registered_or_empty(data) if row.status == "completed"}
    for line in rows:
        run_id, document, status = (cell.strip() for cell in line.strip("│").split("│")[:3])
        assert (completed.get(run_id), status) == (document, "completed"), line
