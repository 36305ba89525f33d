"""`claimflow status` on a data directory without a database: its runs by status and its oldest open review.

It used to refuse with "production mode needs a Postgres database", leaving the embedded default's users no
one-line answer to "what is waiting, and for how long".
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from tests.cli.conftest import Invoke
from tests.integration._docs import cli_env, json_lines
from tests.integration._recovering import REGISTER_AND_DIE

EXAMPLES = Path(__file__).parents[2] / "examples" / "documents"


def test_status_counts_the_runs_and_names_the_review_waiting_longest(claimflow: Invoke, tmp_path: Path) -> None:
    data = tmp_path / "data"
    runs = []
    for name in ("contract-nda.txt", "invoice-clean.pdf", "memo-unknown.html"):  # one command each: in this order
        runs += json_lines(claimflow("run", EXAMPLES / name, "--json", "--data-dir", data).stdout)
    assert [run["status"] for run in runs] == ["needs_review", "completed", "needs_review"]

    found = json_lines(claimflow("status", "--json", "--data-dir", data).stdout)
    shown = claimflow("status", "--data-dir", data)

    assert len(found) == 1
    assert found[0]["mode"] == "embedded" and "queues" not in found[0]
    assert found[0]["runs"] == {"completed": 1, "needs_review": 2}
    assert found[0]["oldest_review"]["run_id"] == runs[0]["run_id"]  # the contract paused first
    assert 0 <= found[0]["oldest_review"]["waiting_s"] < 600
    assert shown.exit_code == 0, shown.output
    assert "embedded mode" in shown.stdout and "runs: completed 1, needs_review 2" in shown.stdout
    oldest = next(line for line in shown.stdout.splitlines() if line.startswith("oldest waiting review: "))
    assert re.fullmatch(rf"oldest waiting review: {runs[0]['run_id'][:12]}, waiting \d+[dhms]( \d+[dhms])?", oldest)


def test_status_of_a_data_directory_without_runs_says_none(claimflow: Invoke, tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    found = json_lines(claimflow("status", "--json", "--data-dir", tmp_path / "data").stdout)

    assert found == [
        {"mode": "embedded", "runs": {}, "rejected": 0, "run_again": 0, "left_behind": 0, "oldest_review": None}
    ]


def test_status_tells_failed_runs_run_again_and_runs_a_stopped_process_left(claimflow: Invoke, tmp_path: Path) -> None:
    data = tmp_path / "data"
    [failed] = json_lines(claimflow("run", EXAMPLES / "corrupt.pdf", "--json", "--data-dir", data).stdout)
    claimflow("rerun", failed["run_id"], "--data-dir", data)  # the same bytes fail again: a second failed run
    # A process that registered two documents and died before advancing them, as a kill -9 leaves them.
    left = tmp_path / "left"
    left.mkdir()
    for name in ("contract-nda.txt", "memo-unknown.html"):
        (left / name).write_bytes((EXAMPLES / name).read_bytes())
    subprocess.run([sys.executable, "-c", REGISTER_AND_DIE, str(data), str(left)], check=True, env=cli_env())

    [found] = json_lines(claimflow("status", "--json", "--data-dir", data).stdout)
    shown = " ".join(claimflow("status", "--data-dir", data).stdout.split())

    assert found["runs"] == {"failed": 2, "queued": 2}
    assert (found["run_again"], found["left_behind"]) == (1, 2)
    assert "runs: failed 2 (1 of them run again), queued 2" in shown
    assert "2 run(s) in progress were left by a process that stopped: `claimflow recover` continues them" in shown
    assert claimflow("recover", "--data-dir", data).exit_code == 0
    [after] = json_lines(claimflow("status", "--json", "--data-dir", data).stdout)
    assert after["left_behind"] == 0 and after["runs"] == {"failed": 2, "needs_review": 2}


def test_status_of_a_missing_data_directory_says_so_and_makes_none(claimflow: Invoke, tmp_path: Path) -> None:
    # As `runs` and every other command that only reads: a misspelt --data-dir is not answered with "runs: none".
    result = claimflow("status", "--data-dir", tmp_path / "misspelt")

    assert result.exit_code == 3, (result.stdout, result.stderr)
    assert "it does not exist (this command only reads, and makes no data directory)" in result.stderr
    assert not (tmp_path / "misspelt").exists()
