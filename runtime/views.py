"""Public views of runs: the JSON object the CLI prints, per the documented contract."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from claimflow.runtime.registry import RunRow
from claimflow.state.outcomes import FieldResult, TableRow
from claimflow.state.schema import DocumentTypes
from claimflow.state.workflow import WorkflowState

PUBLIC_STATUS = {
    "completed": "completed",
    "needs_review": "needs_review",
    "failed": "failed",
    "rejected": "failed",
}
"""Registry status -> public status. A rejected document failed review; its error says so."""


def public_status(row: RunRow) -> str:
    """completed, needs_review or failed; a run still in progress shows its registry status."""
    return status_shown(row.status)


def status_shown(status: str) -> str:
    """The public status of a registry status (see `public_status`)."""
    return PUBLIC_STATUS.get(status, status)


def runs_by_status(counts: Mapping[str, int]) -> dict[str, Any]:
    """Runs counted by registry status, as `status` and `/metrics` give them, and how many were rejected.

    `runs` is by the status `runs` and `show` give (failed covers rejected), so an operator reading both sees one
    word for one run and the counts add up to all the runs; `rejected` is how many of the failed runs a reviewer
    rejected.
    """
    shown: dict[str, int] = {}
    for status, count in counts.items():
        shown[status_shown(status)] = shown.get(status_shown(status), 0) + count
    return {"runs": dict(sorted(shown.items())), "rejected": counts.get("rejected", 0)}


def with_status(rows: list[RunRow], status: str | None) -> list[RunRow]:
    """The rows whose registry status or public status is `status` (failed covers rejected); all when None."""
    return [row for row in rows if status in (None, row.status, public_status(row))]


def _table_entry(rows: Sequence[TableRow]) -> dict[str, Any]:
    # A table's value is its rows; each row has its own evidence (the line it is written on).
    return {
        "value": [row.cells for row in rows],
        "status": "accepted" if rows else "missing",
        "confidence": None,
        "evidence": [row.evidence.model_dump() for row in rows],
    }


def _field_entry(result: FieldResult | None) -> dict[str, Any]:
    value = result.value if result and result.status in ("accepted", "edited") else None
    return {
        "value": value,
        "status": result.status if result else "missing",
        # How sure the extractors were of the value (1.0 for a reviewer's): an accepted value below the policy's
        # bar is why a run waits for review (`low_confidence_field`). No value, no confidence.
        "confidence": result.confidence if result and value is not None else None,
        "evidence": [e.model_dump() for e in result.evidence] if result else [],
    }


def _fields(state: WorkflowState, types: DocumentTypes) -> dict[str, Any]:
    doc_type = types.find(state.doc_type)
    if doc_type is None:
        # A type not loaded here (a user's, its file not named to this command): the fields the run stored.
        return {name: _field_entry(result) for name, result in state.fields.items()} | {
            name: _table_entry(rows) for name, rows in state.tables.items()
        }
    return {
        spec.name: _table_entry(state.tables.get(spec.name, []))
        if spec.is_table
        else _field_entry(state.fields.get(spec.name))
        for spec in doc_type.fields
    }


def review_tables(state: WorkflowState, types: DocumentTypes, doc_type: str) -> list[dict[str, Any]]:
    """The table fields of a run under review as `doc_type`, each with its rows, as the review page shows them.

    `[{"name", "required", "columns", "status": "accepted"|"missing", "rows": [{"cells": {COLUMN: value},
    "evidence": {"page", "start", "end", "quote"}, "doubts": [why]}]}]`, in the type's order: `doubts` says why
    cells the row's evidence holds are in doubt (`quantity: the page writes ...`). A table's rows are read, not
    edited: a decision approves or rejects them with the run. A type not loaded here shows the tables the run
    stored.
    """
    declared = types.find(doc_type)
    if declared is None:
        return [_review_table(name, False, _columns(rows), rows) for name, rows in state.tables.items()]
    return [
        _review_table(spec.name, spec.required, [c.name for c in spec.columns], state.tables.get(spec.name, []))
        for spec in declared.table_fields
    ]


def _columns(rows: Sequence[TableRow]) -> list[str]:
    return list(dict.fromkeys(column for row in rows for column in row.cells))


def _review_table(name: str, required: bool, columns: list[str], rows: Sequence[TableRow]) -> dict[str, Any]:
    return {
        "name": name,
        "required": required,
        "columns": columns,
        "status": "accepted" if rows else "missing",
        "rows": [
            {"cells": row.cells, "evidence": row.evidence.model_dump(), "doubts": list(row.doubts)} for row in rows
        ],
    }


def run_view(
    row: RunRow, state: WorkflowState | None, types: DocumentTypes, *, unreadable: str | None = None
) -> dict[str, Any]:
    """`{"run_id", "document", "status", "doc_type", "fields", "review_reasons", "error", "superseded_by"}`.

    `doc_type` is the accepted type (the classifier's, or a reviewer's; `unknown` when none fits), else null: a type
    whose claim was rejected or not confident enough is not the document's, as `review show` and `explain` say too.
    `unreadable`: why the run's state cannot be read here (see `runtime.unreadable`), said in its `error`, after
    the run's own error if it has one.
    """
    reasons = state.review_reasons if state and row.status == "needs_review" else []
    return {
        "run_id": row.run_id,
        "document": row.filename,
        "status": public_status(row),
        "doc_type": state.decided_type if state else None,
        "fields": _fields(state, types) if state else {},
        "review_reasons": [f"{reason.code}: {reason.message}" for reason in reasons],
        "error": "; ".join(said for said in (row.error, unreadable) if said) or None,
        "superseded_by": row.superseded_by,
    }
