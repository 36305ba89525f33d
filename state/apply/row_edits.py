"""A reviewer's corrections of table rows: rows dropped and cells set, checked and applied like field edits.

Rows are numbered as `review show` printed them (from 1), in the table the review showed; a cell's value is read
by its column's kind exactly as a field's `--set` value of that kind (`_values.value_errors`). An edited cell keeps
the row's evidence when the row's own quote writes the new value (checked as a model's row claim is); otherwise it
stands on the reviewer's word, and the row says so (`TableRow.edited`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from claimflow.state.apply._values import value_errors
from claimflow.state.apply.rows import check_row_claim
from claimflow.state.claims import RowClaim
from claimflow.state.did_you_mean import did_you_mean
from claimflow.state.documents import SourceText
from claimflow.state.errors import DecisionProblem
from claimflow.state.events import Event, event
from claimflow.state.evidence import ClaimedEvidence
from claimflow.state.normalize import normalize_value, with_article
from claimflow.state.outcomes import TableRow
from claimflow.state.review import ReviewDecision, RowEdits
from claimflow.state.schema import DocumentType, Field

REVIEWERS_WORD = "reviewer's word"
"""How an edited cell's note (`TableRow.edited`) ends when the row's quote does not write its value."""


def row_edit_errors(
    doc_type: DocumentType, decision: ReviewDecision, tables: Mapping[str, Sequence[TableRow]] | None
) -> list[DecisionProblem]:
    """Everything wrong with the decision's row edits, each at its key (`rows.line_items.cells.2.quantity`).

    Without `tables` (the rows the review showed) the row numbers are not checked: apply checks them again.
    """
    errors: list[DecisionProblem] = []
    names = [table.name for table in doc_type.table_fields]
    for name, edits in decision.rows.items():
        spec = doc_type.field(name)
        if spec is None or not spec.is_table:
            errors.append(
                DecisionProblem(
                    f"{name!r} is not a table of {with_article(doc_type.name)}{did_you_mean(name, names)};"
                    f" tables: {', '.join(names) or 'none'}",
                    f"rows.{name}",
                )
            )
            continue
        rows = None if tables is None else len(tables.get(name, ()))
        errors += _table_errors(spec, edits, rows)
    return errors


def _table_errors(spec: Field, edits: RowEdits, rows: int | None) -> list[DecisionProblem]:
    """What is wrong with the edits of one table of `rows` rows (None: not known here)."""
    name = spec.name
    errors: list[DecisionProblem] = []
    past = sorted(n for n in [*edits.drop, *edits.cells] if rows is not None and n > rows)
    if past and rows is not None:
        held = f"rows 1 to {rows}" if rows > 1 else "row 1" if rows == 1 else "no rows"
        errors.append(
            DecisionProblem(
                f"{name} has {rows} row(s): no row {', '.join(map(str, past))}; it holds {held},"
                " numbered from 1 as the review shows them",
                f"rows.{name}",
            )
        )
    if rows is not None and spec.required and rows and len(set(edits.drop)) >= rows and not past:
        errors.append(
            DecisionProblem(
                f"{name} is required: dropping all its {rows} row(s) would leave it without rows; keep one, or"
                " reject the run (`--reject`)",
                f"rows.{name}.drop",
            )
        )
    columns = [column.name for column in spec.columns]
    for number, cells in edits.cells.items():
        for column_name, value in cells.items():
            where = f"rows.{name}.cells.{number}.{column_name}"
            column = spec.column(column_name)
            if column is None:
                errors.append(
                    DecisionProblem(
                        f"{name} row {number}: unknown column {column_name!r}"
                        f"{did_you_mean(column_name, columns)}; columns: {', '.join(columns)}",
                        where,
                    )
                )
                continue
            given = [value] if value.strip() else []
            named = f"{name} row {number} {column_name}"
            errors += [DecisionProblem(problem, where) for problem in value_errors(column, given, named=named)]
    return errors


def apply_row_edits(
    doc_type: DocumentType,
    tables: Mapping[str, Sequence[TableRow]],
    decision: ReviewDecision,
    source: SourceText,
) -> tuple[dict[str, list[TableRow]], list[Event]]:
    """The tables as the decision leaves them, and one `table.edited` event per row dropped or cell set.

    Call it with a decision `row_edit_errors` accepted for these `tables`.
    """
    corrected = {name: list(rows) for name, rows in tables.items()}
    events: list[Event] = []
    for name, edits in decision.rows.items():
        spec = doc_type.field(name)
        assert spec is not None
        rows = list(tables.get(name, ()))
        for number, cells in sorted(edits.cells.items()):
            rows[number - 1], said = _edited_row(doc_type, spec, number, rows[number - 1], cells, decision, source)
            events += said
        for number in sorted(set(edits.drop)):
            events.append(
                event(
                    "table.edited", "await_review", reviewer=decision.reviewer, table=name, row=number,
                    dropped=True, previous=rows[number - 1].cells, quote=rows[number - 1].evidence.quote,
                    evidence=rows[number - 1].evidence.model_dump(mode="json"),
                )
            )  # fmt: skip
        dropped = set(edits.drop)
        corrected[name] = [row for number, row in enumerate(rows, start=1) if number not in dropped]
    return corrected, events


def _edited_row(
    doc_type: DocumentType,
    spec: Field,
    number: int,
    row: TableRow,
    cells: Mapping[str, str],
    decision: ReviewDecision,
    source: SourceText,
) -> tuple[TableRow, list[Event]]:
    """Row `number` with the reviewer's cells, each noted as written in the row's quote or as their word."""
    values = dict(row.cells)
    for column_name, value in cells.items():
        column = spec.column(column_name)
        assert column is not None
        values[column_name] = normalize_value(column.kind, value, column.choices) if value.strip() else None
    # The row checked as a model's claim of it would be: a cell the row's quote writes keeps the row's evidence.
    claim = RowClaim(
        table=spec.name,
        cells={key: value for key, value in values.items() if value is not None},
        evidence=ClaimedEvidence(quote=row.evidence.quote, page=row.evidence.page, start=row.evidence.start),
    )
    outcome, _ = check_row_claim(doc_type, claim, source, step="await_review", claim_id="review")
    edited = dict(row.edited)
    events: list[Event] = []
    for column_name in cells:
        was, now = row.cells.get(column_name), values[column_name]
        written = now is not None and not any(reason.startswith(f"{column_name}:") for reason in outcome.reasons)
        if now is None:
            note = "cleared"
        elif written and outcome.evidence is not None:
            note = f"written in the row's quote on page {row.evidence.page}"
        else:
            note = f"not in the row's quote: {REVIEWERS_WORD}"
        edited[column_name] = f"set by reviewer {decision.reviewer} (was {was!r}); {note}"
        events.append(
            event(
                "table.edited", "await_review", reviewer=decision.reviewer, table=spec.name, row=number,
                column=column_name, value=now, previous=was, reason=edited[column_name],
            )
        )  # fmt: skip
    # A doubt about a cell the reviewer set is settled; doubts about the others stand.
    doubts = [doubt for doubt in row.doubts if doubt.partition(":")[0] not in cells]
    return row.model_copy(update={"cells": values, "edited": edited, "doubts": doubts}), events
