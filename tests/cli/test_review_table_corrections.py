"""`review decide` corrects a table's rows: `--drop-row TABLE.ROW` and `--set TABLE.ROW.COLUMN=VALUE`.

Rows are numbered as `review show` prints them; cells are read by their column's kind, as a field's `--set` value
is; the corrected table goes through the type's rules again, and `explain` tells what the reviewer changed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from typer.testing import Result

from tests._table_invoice import CELLS
from tests.integration._docs import flat, json_lines

Invoke = Callable[..., Result]


def _run(cli: Invoke, run_id: str) -> dict[str, Any]:
    [view] = json_lines(cli("show", run_id, "--json").stdout)
    return view


# The total the lines and the tax make: the one thing wrong with the invoice besides what a reviewer corrects.
TOTAL_FIXED = ("--set", "total_amount=42.00")


def test_a_dropped_row_and_edited_cells_complete_the_run_with_the_corrected_table(
    paused_lines: tuple[Invoke, str],
) -> None:
    cli, run_id = paused_lines
    result = cli(
        "review", "decide", run_id, "--reviewer", "alice",
        "--set", "total_amount=24.00", "--set", "net_amount=20.00", "--set", "tax_amount=4.00",
        "--drop-row", "line_items.2",
        "--set", "line_items.1.description=Copier paper", "--set", "line_items.1.quantity=4",
    )  # fmt: skip
    assert result.exit_code == 0, result.output

    view = _run(cli, run_id)
    assert view["status"] == "completed", view
    [row] = view["fields"]["line_items"]["value"]
    assert row == {"description": "Copier paper", "quantity": "4", "unit_price": "10.00", "amount": "20.00"}
    # The row keeps its evidence: the quote proves its other cells, and writes the new description.
    assert view["fields"]["line_items"]["evidence"][0]["quote"] == "Copier paper A4 2 10.00 20.00"
    explained = flat(cli("explain", run_id).stdout)
    assert "REVIEW: description: set by reviewer alice (was 'Copier paper A4'); written in the row's quote" in explained
    assert "REVIEW: quantity: set by reviewer alice (was '2'); not in the row's quote: reviewer's word" in explained
    assert "review: alice dropped line_items row 2 (" in explained
    assert "quote 'Gel pens, blue 3 5.00 15.00'" in explained
    assert "rule line_items_sum_to_net: passed - 1 line(s) sum to 20.00, net amount is 20.00" in explained


def test_a_corrected_table_that_breaks_a_rule_comes_back_with_only_that_reason(
    paused_lines: tuple[Invoke, str],
) -> None:
    cli, run_id = paused_lines
    result = cli("review", "decide", run_id, "--reviewer", "alice", *TOTAL_FIXED, "--drop-row", "line_items.2")
    assert result.exit_code == 0, result.output

    [shown] = json_lines(cli("review", "show", run_id, "--json").stdout)
    assert [reason["code"] for reason in shown["reasons"]] == ["validation_failed"], shown["reasons"]
    assert shown["reasons"][0]["message"].startswith("line_items_sum_to_net: 1 line(s) sum to 20.00, net amount")
    [table] = shown["tables"]
    assert [row["cells"] for row in table["rows"]] == CELLS[:1]
    # The new review numbers the rows the table now has: the one left is row 1, and there is no row 2.
    refused = cli("review", "decide", run_id, "--reviewer", "alice", "--drop-row", "line_items.2")
    assert refused.exit_code == 1
    assert "line_items has 1 row(s): no row 2; it holds row 1" in flat(refused.stderr)


@pytest.mark.parametrize(
    ("options", "refusal"),
    [
        (("--drop-row", "line_items.3"), "line_items has 2 row(s): no row 3; it holds rows 1 to 2"),
        (("--set", "line_items.5.amount=1.00"), "line_items has 2 row(s): no row 5; it holds rows 1 to 2"),
        (
            ("--set", "line_items.1.qty=3"),
            "line_items row 1: unknown column 'qty'; columns: description, quantity, unit_price, amount",
        ),
        (
            ("--set", "line_items.2.amount=1,500"),
            "line_items row 2 amount: value '1,500' reads two ways, its separator before three digits grouping"
            " thousands or marking decimals: write it with no grouping and a dot for decimals, '1500.00' or '1.50'",
        ),
        (
            ("--set", "line_items.2.quantity=lots"),
            "line_items row 2 quantity: value 'lots' cannot be read as a number; give one such as '14.5'",
        ),
        (
            ("--set", "line_items.1.amount="),
            "line_items row 1 amount is required: it cannot be cleared; give it a value, or reject the run",
        ),
        (
            ("--set", "line_items.2.amount=15.00", "--drop-row", "line_items.2"),
            "row(s) 2 both dropped and edited: drop a row or edit it",
        ),
        (
            ("--drop-row", "lines.1"),
            "'lines' is not a table of an invoice (did you mean 'line_items'?); tables: line_items",
        ),
    ],
)
def test_a_row_edit_that_cannot_apply_is_refused_naming_row_and_column_and_the_run_stays_paused(
    paused_lines: tuple[Invoke, str], options: tuple[str, ...], refusal: str
) -> None:
    cli, run_id = paused_lines
    before = cli("review", "show", run_id, "--json").stdout

    result = cli("review", "decide", run_id, "--reviewer", "alice", *TOTAL_FIXED, *options)

    assert result.exit_code in (1, 2), result.output
    assert refusal in flat(result.stderr)
    assert _run(cli, run_id)["status"] == "needs_review"
    assert json_lines(cli("review", "show", run_id, "--json").stdout) == json_lines(before)
    assert cli("review", "decide", run_id, "--reviewer", "alice", *TOTAL_FIXED).exit_code == 0


@pytest.mark.parametrize(
    "given", ["line_items.x.amount=1.00", "line_items.1=1.00", "line_items.1.amount.x=1", "line_items.².amount=1"]
)
def test_a_malformed_cell_option_is_refused_before_anything_is_sent(
    paused_lines: tuple[Invoke, str], given: str
) -> None:
    cli, run_id = paused_lines
    result = cli("review", "decide", run_id, "--reviewer", "alice", "--set", given)
    assert result.exit_code == 2
    assert "a table's cell is TABLE.ROW.COLUMN=VALUE (line_items.2.quantity=3)" in flat(result.stderr)


@pytest.mark.parametrize("given", ["line_items.x", "line_items.²", "line_items"])
def test_a_malformed_drop_row_option_is_refused_before_anything_is_sent(
    paused_lines: tuple[Invoke, str], given: str
) -> None:
    # `²` is a digit to str.isdigit, but no row number.
    cli, run_id = paused_lines
    result = cli("review", "decide", run_id, "--reviewer", "alice", "--drop-row", given)
    assert result.exit_code == 2
    assert "--drop-row takes TABLE.ROW (line_items.3)" in flat(result.stderr)


def test_a_decision_naming_rows_of_a_review_another_decision_answered_is_refused(
    paused_lines: tuple[Invoke, str],
) -> None:
    cli, run_id = paused_lines
    [shown] = json_lines(cli("review", "show", run_id, "--json").stdout)
    seen = shown["interrupt_id"]
    # Alice drops row 2 first; her table breaks the sum rule and a new review opens on the one row left.
    first = cli("review", "decide", run_id, "--reviewer", "alice", *TOTAL_FIXED, "--drop-row", "line_items.2")
    assert first.exit_code == 0, first.output

    late = cli("review", "decide", run_id, "--reviewer", "bob", "--interrupt", seen, "--set", "line_items.1.amount=9")

    assert late.exit_code == 1, late.output
    assert f"no longer waits on review {seen}, the one this decision answers" in flat(late.stderr)
    [table] = json_lines(cli("review", "show", run_id, "--json").stdout)[0]["tables"]
    assert [row["cells"] for row in table["rows"]] == CELLS[:1]
