"""`claimflow eval dataset`: run a labelled set through the whole workflow and measure what came out.

Per document type and field: precision (right values / claimed values) and recall (right values / expected
values); per type: classification rate, exact match rate (the type and every field right, a field neither
claimed nor expected counting as right), auto-accepted precision (right / accepted values of documents that
completed without review), completion rate, and how often each review reason came up.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from claimflow.evals.manifest import LabelledDocument
from claimflow.evals.scoring import canonical, is_right

if TYPE_CHECKING:
    from claimflow.runtime.engine import Engine
    from claimflow.state.schema import DocumentTypes
    from claimflow.state.workflow import WorkflowState


@dataclass(frozen=True)
class ClaimedValue:
    """One field value a run gave, with the confidence of the claim that decided it."""

    field: str
    value: Any
    confidence: float | None
    right: bool


@dataclass(frozen=True)
class Outcome:
    """What the workflow made of one labelled document."""

    doc: LabelledDocument
    status: str
    doc_type: str | None
    values: tuple[ClaimedValue, ...]
    review_codes: tuple[str, ...]

    @property
    def auto_accepted(self) -> bool:
        """Completed without a human: its accepted values went straight into the record."""
        return self.status == "completed"


def _claim_confidence(state: WorkflowState, decided_by: str, fallback: float | None) -> float | None:
    # The confidence the model stated in the claim that decided the field, as the run's claims recorded it.
    claim_id = decided_by.removeprefix("claim ")
    found = next((c.confidence for c in state.claims if c.claim_id == claim_id and c.confidence is not None), None)
    return found if found is not None else fallback


def outcome_of(doc: LabelledDocument, status: str, state: WorkflowState | None, types: DocumentTypes) -> Outcome:
    """Score one finished run against its labels, by the fields of the labelled type."""
    labelled = types.find(doc.doc_type)
    values: list[ClaimedValue] = []
    if state is not None and labelled is not None:
        for spec in labelled.value_fields:
            result = state.fields.get(spec.name)
            if result is None or result.status != "accepted" or canonical(spec, result.value) is None:
                continue
            right = is_right(spec, result.value, doc.expected.get(spec.name))
            confidence = _claim_confidence(state, result.decided_by, result.confidence)
            values.append(ClaimedValue(spec.name, result.value, confidence, right))
    codes = tuple(reason.code for reason in state.review_reasons) if state and status == "needs_review" else ()
    doc_type = (state.doc_type or (state.classification.doc_type if state.classification else None)) if state else None
    return Outcome(doc, status, doc_type, tuple(values), codes)


async def run_documents(engine: Engine, docs: list[LabelledDocument], *, concurrency: int = 1) -> list[Outcome]:
    """Process every document (one run each, `concurrency` at once) and score each against its labels."""
    from claimflow.runtime.batch import process_files
    from claimflow.runtime.views import public_status

    rows = await process_files(engine, [doc.path for doc in docs], concurrency=concurrency)
    return [
        outcome_of(doc, public_status(row), await engine.state(row.run_id), engine.types)
        for doc, row in zip(docs, rows, strict=True)
    ]


def _rate(num: int, den: int) -> float | None:
    return num / den if den else None


@dataclass
class FieldFigures:
    """Counts for one field of one type."""

    expected: int = 0
    claimed: int = 0
    right: int = 0

    def as_json(self) -> dict[str, Any]:
        """Counts, precision and recall (None where there is nothing to divide by)."""
        return {
            "expected": self.expected, "claimed": self.claimed, "right": self.right,
            "precision": _rate(self.right, self.claimed), "recall": _rate(self.right, self.expected),
        }  # fmt: skip


@dataclass
class TypeFigures:
    """Counts for the documents labelled with one type."""

    documents: int = 0
    classified: int = 0
    exact: int = 0
    completed: int = 0
    auto_accepted: int = 0
    auto_accepted_right: int = 0
    fields: dict[str, FieldFigures] = field(default_factory=dict)
    review_reasons: Counter[str] = field(default_factory=Counter)

    def as_json(self) -> dict[str, Any]:
        """The figures as one JSON object."""
        return {
            "documents": self.documents,
            "classification_rate": _rate(self.classified, self.documents),
            "exact_match_rate": _rate(self.exact, self.documents),
            "completion_rate": _rate(self.completed, self.documents),
            "auto_accepted": self.auto_accepted,
            "auto_accepted_precision": _rate(self.auto_accepted_right, self.auto_accepted),
            "review_reasons": dict(sorted(self.review_reasons.items())),
            "fields": {name: figures.as_json() for name, figures in self.fields.items()},
        }


def _add(figures: TypeFigures, outcome: Outcome, types: DocumentTypes) -> None:
    labelled = types.find(outcome.doc.doc_type)
    if labelled is None:
        return
    figures.documents += 1
    figures.classified += outcome.doc_type == outcome.doc.doc_type
    figures.completed += outcome.status == "completed"
    figures.review_reasons.update(outcome.review_codes)
    claimed = {value.field: value for value in outcome.values}
    exact = outcome.doc_type == outcome.doc.doc_type
    for spec in labelled.value_fields:
        counts = figures.fields.setdefault(spec.name, FieldFigures())
        expected = canonical(spec, outcome.doc.expected.get(spec.name)) is not None
        value = claimed.get(spec.name)
        counts.expected += expected
        counts.claimed += value is not None
        counts.right += value is not None and value.right
        exact = exact and (value.right if value is not None else not expected)
        if value is not None and outcome.auto_accepted:
            figures.auto_accepted += 1
            figures.auto_accepted_right += value.right
    figures.exact += exact


def measure(outcomes: list[Outcome], types: DocumentTypes) -> dict[str, Any]:
    """The figures of a whole run of a labelled set: `{"documents", ..., "types": {type: figures}}`."""
    total = TypeFigures()
    by_type: dict[str, TypeFigures] = {}
    for outcome in outcomes:
        _add(by_type.setdefault(outcome.doc.doc_type, TypeFigures()), outcome, types)
        _add(total, outcome, types)
    summary = total.as_json()
    del summary["fields"]
    return {**summary, "types": {name: by_type[name].as_json() for name in sorted(by_type)}}
