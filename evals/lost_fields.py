"""Fields a labelled set's baseline measured that a run no longer measures: a measure lost, not misses fixed.

A document is scored on the fields (and table columns) its type has and some document of the set labels
(`dataset.labelled_only`). Take a field out of the type, or its labels out of every document, and a run says
nothing of it: its misses are gone and a document matches exactly without it. Compared miss by miss, that read
as misses fixed and exact match rising. The baseline records what each document was scored on (`measured`), so
the gate names each such field and fails until it is restored or the baseline is written again.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from claimflow.evals.dataset import is_exact

if TYPE_CHECKING:
    from claimflow.evals.dataset import Outcome

Measured = Mapping[str, Mapping[str, int]]
"""Document id -> each field and table column (`line_items.amount`) it was scored on -> its labelled values."""


@dataclass(frozen=True)
class LostField:
    """A field of a type the baseline measured on some documents that the run does not measure on them."""

    doc_type: str
    field: str
    """The field, or `<table>.<column>` for a table's column."""
    documents: tuple[str, ...]
    """The compared documents the baseline measured it on."""
    still_labelled: bool
    """Some document of the set labels it now: the type no longer has it."""

    @property
    def why(self) -> str:
        """Why the run does not measure it."""
        if self.still_labelled:
            return f"{self.doc_type} has no {self.field} now"
        return f"no document of the set labels {self.doc_type}'s {self.field} now"

    def as_json(self) -> dict[str, Any]:
        """The lost field as one JSON object."""
        return {"doc_type": self.doc_type, "field": self.field, "documents": list(self.documents), "why": self.why}


def measured_by(outcomes: Sequence[Outcome]) -> dict[str, dict[str, int]]:
    """What each document was scored on, as a baseline records it."""
    return {outcome.doc.id: dict(sorted(outcome.expected.items())) for outcome in outcomes}


def measured_by_misses(misses: Sequence[Mapping[str, Any]]) -> dict[str, dict[str, int]]:
    """What a baseline written before `measured` was recorded shows it measured: the fields of its misses.

    A field right on every document leaves no trace there; one missed somewhere does.
    """
    found: dict[str, dict[str, int]] = {}
    for miss in misses:
        if miss["field"] != "doc_type":  # the classification is measured as long as the document is
            found.setdefault(miss["document"], {})[miss["field"]] = int(miss["missed"])
    return found


def lost_fields(before: Measured, outcomes: Sequence[Outcome], compared: Collection[str]) -> list[LostField]:
    """The fields the baseline measured on the `compared` documents that the run does not, by type and field."""
    now = measured_by(outcomes)
    by_field: dict[tuple[str, str], list[str]] = {}
    for outcome in outcomes:
        doc = outcome.doc
        if doc.id in compared:
            for key in sorted(set(before.get(doc.id, {})) - set(now[doc.id])):
                by_field.setdefault((doc.doc_type, key), []).append(doc.id)
    labelled = {(outcome.doc.doc_type, name) for outcome in outcomes for name in outcome.doc.expected}
    return [
        LostField(doc_type, key, tuple(ids), (doc_type, key.partition(".")[0]) in labelled)
        for (doc_type, key), ids in sorted(by_field.items())
    ]


def comparable_exact_match(outcomes: Sequence[Outcome], before: Measured, lost: Sequence[LostField]) -> float | None:
    """The exact match rate with each lost field still asked for, as the baseline's was.

    A document whose labels give the field a value does not match without it (the run gives none); one whose labels
    give none of it does, as a field neither claimed nor labelled.
    """
    if not outcomes:
        return None
    missing = {(document, item.field) for item in lost for document in item.documents}
    exact = sum(
        is_exact(outcome)
        and not any(
            before.get(outcome.doc.id, {}).get(key, 0) for document, key in missing if document == outcome.doc.id
        )
        for outcome in outcomes
    )
    return exact / len(outcomes)
