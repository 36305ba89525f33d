"""`apply_row_edits`: a reviewer's row corrections applied in state, deterministic, with what each cell stands on."""

from __future__ import annotations

from dataclasses import replace

from claimflow.state.apply.row_edits import apply_row_edits, row_edit_errors
from claimflow.state.documents import SourceText
from claimflow.state.evidence import Evidence
from claimflow.state.outcomes import TableRow
from claimflow.state.review import ReviewDecision
from tests._table_invoice import CELLS, INVOICE, LINES
from tests.factories import TYPES

INVOICE_TYPE = TYPES.get("invoice")
SOURCE = SourceText(pages=(INVOICE,))


def _row(number: int, doubts: list[str] | None = None) -> TableRow:
    line = LINES[number - 1]
    start = INVOICE.index(line)
    evidence = Evidence(page=1, start=start, end=start + len(line), quote=line)
    return TableRow(cells=dict(CELLS[number - 1]), evidence=evidence, doubts=doubts or [])


def _decision(rows: dict[str, object]) -> ReviewDecision:
    return ReviewDecision.model_validate({"reviewer": "alice", "action": "edit", "rows": rows})


def test_a_set_cell_settles_its_doubt_and_says_what_it_stands_on() -> None:
    tables = {"line_items": [_row(1, ["quantity: reads two ways", "amount: reads two ways"]), _row(2)]}
    decision = _decision({"line_items": {"cells": {"1": {"quantity": "5", "description": "Copier paper"}}}})

    corrected, events = apply_row_edits(INVOICE_TYPE, tables, decision, SOURCE)

    [first, second] = corrected["line_items"]
    assert first.cells == {**CELLS[0], "quantity": "5", "description": "Copier paper"}
    assert first.doubts == ["amount: reads two ways"]  # the reviewer settled the quantity, not the amount
    assert first.evidence == tables["line_items"][0].evidence
    assert first.edited == {
        "quantity": "set by reviewer alice (was '2'); not in the row's quote: reviewer's word",
        "description": "set by reviewer alice (was 'Copier paper A4'); written in the row's quote on page 1",
    }
    assert second == tables["line_items"][1]
    assert [(e.type, e.data["row"], e.data["column"], e.data["previous"], e.data["value"]) for e in events] == [
        ("table.edited", 1, "quantity", "2", "5"),
        ("table.edited", 1, "description", "Copier paper A4", "Copier paper"),
    ]
    # The same decision on the same table makes the same table.
    assert apply_row_edits(INVOICE_TYPE, tables, decision, SOURCE)[0] == corrected


def test_a_dropped_row_leaves_the_others_in_order_and_its_event_keeps_it() -> None:
    tables = {"line_items": [_row(1), _row(2)]}

    corrected, [dropped] = apply_row_edits(INVOICE_TYPE, tables, _decision({"line_items": {"drop": [1]}}), SOURCE)

    assert corrected["line_items"] == [tables["line_items"][1]]
    assert dropped.data["dropped"] is True and dropped.data["previous"] == CELLS[0]
    assert dropped.data["evidence"] == tables["line_items"][0].evidence.model_dump(mode="json")


def test_dropping_every_row_of_a_required_table_is_refused() -> None:
    tables = {"line_items": [_row(1), _row(2)]}
    every = _decision({"line_items": {"drop": [1, 2]}})
    # The built-in invoice's table is optional: it may be left without rows.
    assert row_edit_errors(INVOICE_TYPE, every, tables) == []
    required = replace(
        INVOICE_TYPE,
        fields=tuple(replace(f, required=True) if f.name == "line_items" else f for f in INVOICE_TYPE.fields),
    )

    [refused] = row_edit_errors(required, every, tables)

    assert refused == (
        "line_items is required: dropping all its 2 row(s) would leave it without rows; keep one, or reject the run"
        " (`--reject`)"
    )
    assert refused.field == "rows.line_items.drop"
