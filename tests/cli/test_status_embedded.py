"""`claimflow status` on a data directory without a database: its runs by status and its oldest open review.

It used to refuse with "production mode needs a Postgres database", leaving the embedded default's users no
one-line answer to "what is waiting, and for how long".
"""

from __future__ import annotations

import re
from pathlib import Path

from tests.cli.conftest import Invoke
from tests.integration._docs import json_lines

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
    found = json_lines(claimflow("status", "--json", "--data-dir", tmp_path / "data").stdout)

    assert found == [{"mode": "embedded", "runs": {}, "oldest_review": None}]
