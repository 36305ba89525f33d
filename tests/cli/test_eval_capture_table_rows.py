"""`claimflow eval capture` of a run made without `--record` keeps its table rows in the case's claim.

Such a run's answer is rebuilt from what the run kept; its rows (an invoice's lines, a statement's
transactions) were left out, so the case's recorded claim, served again by replay, had no table. And the case
expects the rows the run accepted (`expected.tables`): it judged no row, so a model that read the lines wrong
passed it.
"""

from __future__ import annotations

from pathlib import Path

from claimflow.evals.golden import ModelStepCase, load_goldens
from claimflow.evals.run_model import evaluate
from tests._table_invoice import CELLS, INVOICE, LINES
from tests.integration._docs import json_lines, run_cli, write


def test_the_rows_of_a_run_without_a_recording_are_in_the_captured_claim(tmp_path: Path) -> None:
    docs, data = tmp_path / "docs", tmp_path / "data"
    write(docs, "stationery.txt", INVOICE)
    done = run_cli("run", docs, "--json", "--data-dir", data, "--model", "rules")
    [view] = json_lines(done.stdout)
    assert view["status"] == "needs_review", done.stdout
    approved = run_cli("review", "decide", view["run_id"], "--reviewer", "ana", "--approve", "--data-dir", data)
    assert approved.returncode == 0, approved.stderr
    captured = run_cli("eval", "capture", view["run_id"], "--data-dir", data, "--out", tmp_path / "goldens")
    assert captured.returncode == 0, captured.stderr

    [case] = load_goldens(tmp_path / "goldens")
    assert isinstance(case, ModelStepCase)
    rows = case.recorded_claim["rows"]
    assert [row["cells"] for row in rows] == CELLS
    assert [row["table"] for row in rows] == ["line_items", "line_items"]
    assert [row["evidence"]["quote"] for row in rows] == list(LINES)
    page = case.pages[0]
    assert all(page[row["evidence"]["start"] : row["evidence"]["end"]] == row["evidence"]["quote"] for row in rows)
    assert case.original_claim is not None and case.original_claim["rows"] == rows
    assert evaluate(case, case.recorded_claim).passed
    assert [row.cells for row in case.expected.tables["line_items"]] == CELLS
    judged = evaluate(case, {**case.recorded_claim, "rows": rows[:1]})  # a model that read one line only
    assert not judged.passed and judged.message == "line_items: expected 2 accepted row(s), got 1"


def _captured_after(tmp_path: Path, *decision: str) -> tuple[ModelStepCase, dict[str, object]]:
    """The case captured from the invoice's run once `decision` (then an approval, if it asked again) ended it."""
    docs, data = tmp_path / "docs", tmp_path / "data"
    write(docs, "stationery.txt", INVOICE)
    [view] = json_lines(run_cli("run", docs, "--json", "--data-dir", data, "--model", "rules").stdout)
    run_id = view["run_id"]
    decided = run_cli("review", "decide", run_id, "--reviewer", "ana", *decision, "--data-dir", data)
    assert decided.returncode == 0, decided.stderr
    [after] = json_lines(run_cli("show", run_id, "--json", "--data-dir", data).stdout)
    if after["status"] == "needs_review":
        approved = run_cli("review", "decide", run_id, "--reviewer", "ana", "--approve", "--data-dir", data)
        assert approved.returncode == 0, approved.stderr
    out = run_cli("eval", "capture", run_id, "--data-dir", data, "--out", tmp_path / "goldens", "--json")
    assert out.returncode == 0, out.stderr
    [case] = load_goldens(tmp_path / "goldens")
    assert isinstance(case, ModelStepCase)
    [said] = json_lines(out.stdout)
    return case, said


def test_a_table_the_reviewer_corrected_is_the_expectation_and_the_original_keeps_the_model_rows(
    tmp_path: Path,
) -> None:
    case, said = _captured_after(
        tmp_path,
        "--set", "total_amount=24.00", "--set", "net_amount=20.00", "--set", "tax_amount=4.00",
        "--drop-row", "line_items.2", "--set", "line_items.1.description=Copier paper",
    )  # fmt: skip

    assert "line_items" not in said["unquoted_edits"]  # (the totals the reviewer typed are their word)
    corrected = {**CELLS[0], "description": "Copier paper"}
    assert [row.cells for row in case.expected.tables["line_items"]] == [corrected]
    assert [row["cells"] for row in case.recorded_claim["rows"]] == [corrected]
    assert case.recorded_claim["rows"][0]["evidence"]["quote"] == LINES[0]
    # The model's own answer, as the extraction claimed it: both rows, as read.
    assert case.original_claim is not None
    assert [row["cells"] for row in case.original_claim["rows"]] == CELLS
    assert evaluate(case, case.recorded_claim).passed
    assert not evaluate(case, case.original_claim).passed
    assert "line_items" in case.description


def test_a_table_holding_the_reviewers_word_is_not_judged_and_is_named(tmp_path: Path) -> None:
    case, said = _captured_after(tmp_path, "--set", "total_amount=42.00", "--set", "line_items.2.quantity=4")

    assert "line_items" in said["unquoted_edits"]
    assert "line_items" not in case.expected.tables
    assert case.original_claim is not None
    assert [row["cells"] for row in case.original_claim["rows"]] == CELLS
    assert evaluate(case, case.recorded_claim).passed
