"""Public views of runs: the JSON object the CLI prints, per the documented contract."""

from __future__ import annotations

from typing import Any

from claimflow.runtime.registry import RunRow
from claimflow.state.fields import fields_of
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
    return PUBLIC_STATUS.get(row.status, row.status)


def _fields(state: WorkflowState) -> dict[str, Any]:
    doc_type = state.doc_type
    if doc_type is None:
        return {}
    out: dict[str, Any] = {}
    for spec in fields_of(doc_type):
        result = state.fields.get(spec.name)
        out[spec.name] = {
            "value": result.value if result and result.status in ("accepted", "edited") else None,
            "status": result.status if result else "missing",
            "evidence": [e.model_dump() for e in result.evidence] if result else [],
        }
    if state.line_items:
        # Invoice lines, when the document has a table the extractor could read: the same shape as a field.
        out["line_items"] = {
            "value": [item.model_dump(exclude={"evidence"}) for item in state.line_items],
            "status": "accepted",
            "evidence": [item.evidence.model_dump() for item in state.line_items],
        }
    return out


def run_view(row: RunRow, state: WorkflowState | None) -> dict[str, Any]:
    """`{"run_id", "document", "status", "doc_type", "fields", "review_reasons", "error"}`."""
    reasons = state.review_reasons if state and row.status == "needs_review" else []
    doc_type = None
    if state and state.classification:
        doc_type = state.doc_type or state.classification.doc_type
    return {
        "run_id": row.run_id,
        "document": row.filename,
        "status": public_status(row),
        "doc_type": doc_type,
        "fields": _fields(state) if state else {},
        "review_reasons": [f"{reason.code}: {reason.message}" for reason in reasons],
        "error": row.error,
    }
