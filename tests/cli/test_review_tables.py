"""`review show` shows a table field's rows (an invoice's lines) with their evidence; `--set` refuses a table.

A reviewer who approves a run approves its rows too, so the terminal must show them, as the review page does.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from typer.testing import Result

from tests._table_invoice import CELLS, INVOICE, LINES, TABLE_REFUSAL
from tests.integration._docs import flat, json_lines

Invoke = Callable[..., Result]


def test_review_show_json_has_each_table_with_its_rows_and_their_evidence(paused_lines: tuple[Invoke, str]) -> None:
    cli, run_id = paused_lines
    result = cli("review", "show", run_id, "--json")
    assert result.exit_code == 0, result.output
    [shown] = json_lines(result.stdout)
    [table] = shown["tables"]
    assert {k: table[k] for k in ("name", "required", "columns", "status")} == {
        "name": "line_items",
        "required": False,
        "columns": ["description", "quantity", "unit_price", "amount"],
        "status": "accepted",
    }
    assert [row["cells"] for row in table["rows"]] == CELLS
    for row, line in zip(table["rows"], LINES, strict=True):
        evidence = row["evidence"]
        assert set(evidence) == {"page", "start", "end", "quote"}
        assert evidence["quote"] == line and evidence["page"] == 1
        assert INVOICE[evidence["start"] : evidence["end"]] == line
    # The same rows and evidence as `show --json` has for the field; the documented keys stay as they were.
    [run] = json_lines(cli("show", run_id, "--json").stdout)
    assert [row["cells"] for row in table["rows"]] == run["fields"]["line_items"]["value"]
    assert [row["evidence"] for row in table["rows"]] == run["fields"]["line_items"]["evidence"]
    assert {"interrupt_id", "fields", "editable_fields", "reasons", "doc_types"} <= set(shown)
    assert "line_items" not in shown["editable_fields"]


def test_review_show_prints_each_table_with_its_row_count_rows_and_evidence(paused_lines: tuple[Invoke, str]) -> None:
    cli, run_id = paused_lines
    result = cli("review", "show", run_id)
    assert result.exit_code == 0, result.output
    text = flat(result.stdout)
    assert "table line_items: 2 rows" in text
    for header in ("description", "quantity", "unit_price", "amount", "evidence"):
        assert header in text
    assert "Copier paper A4 2 10.00 20.00 p1:" in text
    assert "Gel pens, blue 3 5.00 15.00 p1:" in text
    for line in LINES:
        assert repr(line) in text


@pytest.mark.parametrize("extra", [(), ("--set", "total_amount=42.00")])
def test_setting_a_table_is_refused_as_a_table_and_the_run_stays_paused(
    paused_lines: tuple[Invoke, str], extra: tuple[str, ...]
) -> None:
    cli, run_id = paused_lines
    before = cli("review", "show", run_id, "--json").stdout
    result = cli("review", "decide", run_id, "--reviewer", "alice", "--set", "line_items=x", *extra)
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    message = flat(result.stderr)
    assert f"decision refused, run {run_id} stays paused" in message
    assert TABLE_REFUSAL in message
    assert "unknown field" not in message
    [view] = json_lines(cli("show", run_id, "--json").stdout)
    assert view["status"] == "needs_review"
    assert view["fields"]["total_amount"]["value"] == "45.00"
    assert json_lines(cli("review", "show", run_id, "--json").stdout) == json_lines(before)
    # Nothing was consumed: the same review still takes a decision.
    assert cli("review", "decide", run_id, "--reviewer", "alice", "--approve").exit_code == 0
