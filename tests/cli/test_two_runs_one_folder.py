"""Two `claimflow run` commands on one folder and one data directory at once: each document is one run.

A run the other command is advancing comes back as it stands, `running`; the table says where it is, not
`registered before` (it may have been registered a moment ago), which reads as a run left stuck.
"""

from __future__ import annotations

from pathlib import Path

from tests.integration._batches import invoices
from tests.integration._docs import flat, json_lines, run_cli, spawn_cli


def test_a_run_the_other_command_is_advancing_is_said_to_be_in_progress_there(tmp_path: Path) -> None:
    docs, data = tmp_path / "inbox", tmp_path / "data"
    invoices(docs, 120)
    first = spawn_cli("run", docs, "--data-dir", data, "--concurrency", "4")
    second = spawn_cli("run", docs, "--data-dir", data, "--concurrency", "4")
    tables = [first.communicate(timeout=120)[0], second.communicate(timeout=120)[0]]
    assert (first.returncode, second.returncode) == (0, 0)

    rows = [flat(line) for table in tables for line in table.splitlines() if " running " in line]
    assert rows, "the two commands never met: nothing to check"
    assert [row for row in rows if not row.endswith(" in progress in another process")] == []
    runs = json_lines(run_cli("runs", "--data-dir", data, "--json").stdout)
    assert len(runs) == 120 and {run["status"] for run in runs} == {"completed"}
