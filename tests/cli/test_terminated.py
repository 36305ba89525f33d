"""SIGTERM (`timeout`, `docker stop`, systemd) stops a batch as Ctrl-C does: exit code 143, said on stderr, no run lost.

Handled by default, SIGTERM killed `run` where it stood: no line of what became of the batch, no advice, and the
runs in flight left holding their leases. Now the batch stops as on Ctrl-C, prints `terminated; N of the batch's
M document(s) not finished; ...`, and the same command run again finishes every document once.
"""

from __future__ import annotations

import signal
import subprocess
from pathlib import Path

from tests.integration._batches import invoices
from tests.integration._docs import claimflow_executable, cli_env, json_lines, run_cli


def _as_a_service_manager_starts_it() -> None:
    """In the child: SIGTERM and SIGINT handled by default and not blocked, whatever this test process does."""
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})


def test_a_terminated_batch_says_how_to_continue_and_loses_no_document(tmp_path: Path) -> None:
    docs, data = tmp_path / "inbox", tmp_path / "data"
    invoices(docs, 150)
    batch = subprocess.Popen(
        [claimflow_executable(), "run", str(docs), "--data-dir", str(data), "--concurrency", "4", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=cli_env(),
        preexec_fn=_as_a_service_manager_starts_it,  # noqa: PLW1509 - only signal calls, safe between fork and exec
    )
    assert batch.stdout is not None
    first = batch.stdout.readline()  # the batch is under way
    batch.send_signal(signal.SIGTERM)
    rest, stderr = batch.communicate(timeout=60)

    assert batch.returncode == 143, stderr
    assert "Traceback" not in stderr
    done = json_lines(first + rest)
    assert len(done) < 150
    assert f"terminated; {150 - len(done)} of the batch's 150 document(s) not finished; every document " in stderr

    again = run_cli("run", docs, "--data-dir", data, "--concurrency", "4", "--json")
    assert again.returncode == 0, again.stderr
    rows = json_lines(run_cli("runs", "--data-dir", data, "--json").stdout)
    assert len(rows) == 150 and {row["status"] for row in rows} == {"completed"}
    assert len({row["document"] for row in rows}) == 150
