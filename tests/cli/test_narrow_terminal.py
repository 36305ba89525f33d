"""On an 80-column terminal the tables hide nothing: run ids stay whole, long names and reason codes fold.

rich cuts a cell too narrow for its text with an ellipsis by default: `review list` showed `c53a7f570…`, a run id
that cannot be pasted into `review show`, beside `supplier-…` and `low_conf…`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.conftest import Invoke
from tests.integration._docs import json_lines, write

NAME = "supplier-master-agreement-2024-signed-by-both-parties-final-version-three.txt"
CONTRACT = (Path(__file__).parents[2] / "examples" / "documents" / "contract-nda.txt").read_text(encoding="utf-8")
"""Held for review with `low_confidence_field`, a code wider than its column at 80 columns."""


def _column(table: str, header: str) -> list[str]:
    """The cells of one column of a rich table, each cell's lines joined (a folded word comes back whole)."""
    lines = table.splitlines()
    heading = next(line for line in lines if line.startswith("┃") and f" {header} " in line)
    index = [cell.strip() for cell in heading.split("┃")].index(header)
    cells: list[str] = []
    for line in lines:
        if line.startswith("│"):
            part = line.split("│")[index].strip()
            if line.split("│")[1].strip():  # a row's first line: a new cell
                cells.append(part)
            else:
                cells[-1] += part
    return cells


@pytest.mark.parametrize("command", [("runs",), ("review", "list")])
def test_an_80_column_table_keeps_run_ids_whole_and_folds_long_names(
    command: tuple[str, ...], claimflow: Invoke, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    [run] = json_lines(claimflow("run", write(tmp_path / "docs", NAME, CONTRACT), "--json", "--data-dir", data).stdout)
    assert run["status"] == "needs_review"

    shown = claimflow(*command, "--data-dir", data, env={"COLUMNS": "80"})

    assert shown.exit_code == 0, shown.output
    assert max(len(line) for line in shown.stdout.splitlines()) <= 80
    assert "…" not in shown.stdout
    assert _column(shown.stdout, "run") == [run["run_id"][:12]]
    assert _column(shown.stdout, "document") == [NAME]
    if command == ("review", "list"):
        codes = dict.fromkeys(reason.partition(":")[0] for reason in run["review_reasons"])
        assert _column(shown.stdout, "reasons") == [", ".join(codes)]


def test_output_to_no_terminal_is_not_wrapped(claimflow: Invoke, tmp_path: Path) -> None:
    # A file or a pipe with no COLUMNS set: rich would lay it out at 80 columns, folding the long name.
    data = tmp_path / "data"
    [run] = json_lines(claimflow("run", write(tmp_path / "docs", NAME, CONTRACT), "--json", "--data-dir", data).stdout)

    shown = claimflow("review", "list", "--data-dir", data, env={"COLUMNS": None})

    assert shown.exit_code == 0, shown.output
    [row] = [line for line in shown.stdout.splitlines() if run["run_id"][:12] in line]
    assert NAME in row
    assert "low_confidence_field" in row
    assert len(row) > 80
