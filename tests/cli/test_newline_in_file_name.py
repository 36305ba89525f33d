"""A file name with a line break in it is shown one way by every command that prints it: `\\x0a`, on one line.

`run`, `runs` and `show` wrote it out; `trace` and `explain` printed it as it is, so its second half started a
line of its own, and the same document went by two names.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.integration._docs import run_cli

CONTRACT = Path(__file__).parents[2] / "examples" / "documents" / "contract-nda.txt"
NAME = "con\ntract.txt"
SHOWN = "con\\x0atract.txt"


def _printed(*args: str | Path) -> str:
    done = run_cli(*args, COLUMNS="300")
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_every_command_shows_a_file_name_with_a_line_break_the_same_way_on_one_line(tmp_path: Path) -> None:
    document = tmp_path / "in" / NAME
    document.parent.mkdir()
    document.write_bytes(CONTRACT.read_bytes())
    data = tmp_path / "data"

    printed = {"run": _printed("run", document, "--data-dir", data), "runs": _printed("runs", "--data-dir", data)}
    [view] = [json.loads(line) for line in _printed("runs", "--json", "--data-dir", data).splitlines()]
    assert view["document"] == NAME  # stored as it is: only its showing is escaped
    for command in ("show", "trace", "explain"):
        printed[command] = _printed(command, view["run_id"], "--data-dir", data)

    for command, output in printed.items():
        assert SHOWN in output, (command, output)
        lines = output.splitlines()
        assert not any(line.startswith("tract.txt") for line in lines), (command, output)
    # The table rows of `run` and `runs`: one line each, with the run, its name and its status.
    for command in ("run", "runs"):
        [row] = [line for line in printed[command].splitlines() if view["run_id"][:12] in line]
        assert SHOWN in row and view["status"] in row, (command, row)
    [started] = [line for line in printed["trace"].splitlines() if " run.started " in line]
    assert f"filename={SHOWN}," in started
    assert printed["explain"].splitlines()[0].startswith(f"run {view['run_id']}: {SHOWN} (document ")
