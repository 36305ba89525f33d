"""What a labelled set's runs got wrong, value by value: the documents to open after `eval dataset`'s figures.

A miss is one field of one document (a table column, `line_items.amount`, or `doc_type` for a document
classified as another type) where the run accepted a value the labels do not give, or did not give a value they
do. Misses of documents that completed come first: their wrong values went into the record without a reviewer
seeing them, which is what auto-accepted precision counts and what a threshold or a prompt change must fix first.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from claimflow.evals.values import column_key

if TYPE_CHECKING:
    from claimflow.evals.dataset import Outcome
    from claimflow.state.schema import DocumentType, DocumentTypes


@dataclass(frozen=True)
class Miss:
    """One field of one document that the run got wrong or left out."""

    document: str
    """The manifest's id of the document."""
    doc_type: str
    """The type the labels give."""
    field: str
    """The field, `<table>.<column>` for a table's column, or `doc_type` for the classification."""
    wrong: tuple[Any, ...]
    """The accepted values the labels do not give (the type the run chose, for `doc_type`)."""
    missed: int
    """How many labelled values no accepted value gave."""
    expected: Any
    """The label: a value, a list of values (several, or a table column's cells), or the type."""
    status: str
    """The run's status: `completed` means the wrong values went into the record unreviewed."""

    @property
    def unreviewed(self) -> bool:
        """Wrong values that went into the record without a reviewer seeing them."""
        return bool(self.wrong) and self.status == "completed"

    def as_json(self) -> dict[str, Any]:
        """The miss as one JSON object."""
        return {
            "document": self.document, "doc_type": self.doc_type, "field": self.field, "wrong": list(self.wrong),
            "missed": self.missed, "expected": self.expected, "status": self.status, "unreviewed": self.unreviewed,
        }  # fmt: skip


def _labels(doc_type: DocumentType, expected: Mapping[str, Any]) -> dict[str, Any]:
    """The label of each field and table column, keyed as the values are counted."""
    labels = {spec.name: expected.get(spec.name) for spec in doc_type.value_fields}
    for table in doc_type.table_fields:
        rows = expected.get(table.name)
        for column in table.columns:
            cells = [row[column.name] for row in rows or () if isinstance(row, Mapping) and column.name in row]
            labels[column_key(table, column.name)] = cells
    return labels


def misses_of(outcome: Outcome, types: DocumentTypes) -> list[Miss]:
    """The misses of one document, field by field in the type's order (its classification first)."""
    doc = outcome.doc
    labelled = types.find(doc.doc_type)
    if labelled is None:
        return []
    found = []
    if outcome.doc_type != doc.doc_type:
        found.append(Miss(doc.id, doc.doc_type, "doc_type", (outcome.doc_type,), 1, doc.doc_type, outcome.status))
    labels = _labels(labelled, doc.expected)
    for key, expected in outcome.expected.items():
        claimed = outcome.values_of(key)
        wrong = tuple(value.value for value in claimed if not value.right)
        missed = max(expected - (len(claimed) - len(wrong)), 0)
        if wrong or missed:
            found.append(Miss(doc.id, doc.doc_type, key, wrong, missed, labels.get(key), outcome.status))
    return found


def misses(outcomes: list[Outcome], types: DocumentTypes) -> list[Miss]:
    """Every miss of a labelled set: the unreviewed wrong values first, then in the manifest's order."""
    found = [miss for outcome in outcomes for miss in misses_of(outcome, types)]
    return sorted(found, key=lambda miss: not miss.unreviewed)  # stable: the manifest's order within each
