"""`claimflow eval dataset`: run a labelled set through the whole workflow and measure what came out.

Per document type and field: precision (right values / claimed values) and recall (right values / expected
values), where a multiple field counts each of its values and a table each cell under `<table>.<column>`
(see `evals/values.py`); per type: classification rate, exact match rate (the type and every value right and
claimed, a field neither claimed nor expected counting as right), auto-accepted precision (right / accepted
values of documents that completed without review), completion rate, how often each review reason came up, and
what the model calls cost; and the misses, value by value (`evals/misses.py`). A field that no document of its type
labels is not measured (`labelled_only`): the set says nothing of it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from claimflow.evals.manifest import LabelledDocument
from claimflow.evals.misses import misses
from claimflow.evals.values import ClaimedValue, accepted_claims, expected_counts, scored_values
from claimflow.state.budget import UsageTotals

if TYPE_CHECKING:
    from claimflow.runtime.engine import Engine
    from claimflow.runtime.registry.runs import RunRow
    from claimflow.state.schema import DocumentTypes
    from claimflow.state.workflow import WorkflowState


@dataclass(frozen=True)
class Outcome:
    """What the workflow made of one labelled document."""

    doc: LabelledDocument
    status: str
    doc_type: str | None
    values: tuple[ClaimedValue, ...]
    review_codes: tuple[str, ...]
    expected: Mapping[str, int] = field(default_factory=dict)
    """How many values the labels give per field and per table column (`line_items.amount`)."""
    usage: UsageTotals = field(default_factory=UsageTotals)
    """What the run spent on model calls."""
    run_id: str | None = None
    """The run that read the document: a file listed twice is one run, whose usage counts once."""
    unanswered: str | None = None
    """Why the run failed without the model's answer (no answer after the gateway's retries: 5xx, timeouts),
    or None. Scored, such a run misses its labelled values; it is named, and no gate passes it."""
    earlier: bool = False
    """The run is an earlier command's (the data directory had read this file): it was not run again now."""
    failure: str | None = None
    """Why the run failed, for one that failed with the model's answer (a rule, the type's extractor or detector
    raised, its wall time ran out), or None. Such a run made no record: it is scored with no value, its labelled
    values missed, and named."""

    def values_of(self, key: str) -> list[ClaimedValue]:
        """The values the run accepted for a field or a table column (`line_items.amount`)."""
        return [value for value in self.values if value.field == key]

    @property
    def auto_accepted(self) -> bool:
        """Completed without a human: its accepted values went straight into the record."""
        return self.status == "completed"


def outcome_of(
    doc: LabelledDocument,
    status: str,
    state: WorkflowState | None,
    types: DocumentTypes,
    events: Sequence[Mapping[str, Any]] = (),
    run_id: str | None = None,
    *,
    earlier: bool = False,
    error: str | None = None,
) -> Outcome:
    """Score one finished run against its labels, by the fields and tables of the labelled type.

    A run that failed made no record, whatever its steps had accepted before it failed (a rule that raised fails
    its document after extraction): it gives no value, and its labelled values are missed. `error` is the run's
    error as the registry records it.
    """
    labelled = types.find(doc.doc_type)
    values: list[ClaimedValue] = []
    if state is not None and labelled is not None and status != "failed":
        values = scored_values(labelled, doc.expected, state.fields, state.tables, accepted_claims(events))
    counts = expected_counts(labelled, doc.expected) if labelled is not None else {}
    codes = tuple(reason.code for reason in state.review_reasons) if state and status == "needs_review" else ()
    doc_type = (state.doc_type or (state.classification.doc_type if state.classification else None)) if state else None
    usage = state.usage if state is not None else UsageTotals()
    unanswered = next(
        (str(e.get("data", {}).get("detail") or "no answer") for e in events
         if e.get("type") == "route.decided" and (e.get("data") or {}).get("rule") == "model_unavailable"),
        None,
    )  # fmt: skip
    failure = error or (state.error if state is not None else None) or "no reason recorded"
    failure_now = failure if status == "failed" and unanswered is None else None
    return Outcome(doc, status, doc_type, tuple(values), codes, counts, usage, run_id, unanswered, earlier, failure_now)


def labelled_only(outcomes: Sequence[Outcome]) -> list[Outcome]:
    """The outcomes scored only on the fields their set labels: those no document of a type labels are left out.

    A set may be labelled for less than its types extract (no document gives an invoice's IBAN). A document that
    leaves out a field the set labels elsewhere expects none of it; one of a set that labels the field nowhere says
    nothing of it, and a value claimed for it is neither right nor wrong.
    """
    labelled = labelled_fields(outcomes)
    return [
        replace(
            outcome,
            expected={
                key: n for key, n in outcome.expected.items() if _field_of(key) in labelled[outcome.doc.doc_type]
            },
            values=tuple(v for v in outcome.values if _field_of(v.field) in labelled[outcome.doc.doc_type]),
        )
        for outcome in outcomes
    ]


def labelled_fields(outcomes: Sequence[Outcome]) -> dict[str, set[str]]:
    """Per document type, the fields some document of the set labels (a table by its name)."""
    labelled: dict[str, set[str]] = defaultdict(set)
    for outcome in outcomes:
        labelled[outcome.doc.doc_type].update(outcome.doc.expected)
    return labelled


def unlabelled_fields(outcomes: Sequence[Outcome], types: DocumentTypes) -> dict[str, list[str]]:
    """Per document type of the set, its declared fields no document labels: not measured."""
    labelled = labelled_fields(outcomes)
    found = {}
    for name, fields in labelled.items():
        declared = types.find(name)
        missing = [spec.name for spec in declared.fields if spec.name not in fields] if declared else []
        if missing:
            found[name] = missing
    return found


def _field_of(key: str) -> str:
    """The field a scored key belongs to: a table column's key (`line_items.amount`) is its table's."""
    return key.partition(".")[0]


async def run_documents(engine: Engine, docs: list[LabelledDocument], *, concurrency: int = 1) -> list[Outcome]:
    """Process every document (one run each, `concurrency` at once) and score each against its labels."""
    from claimflow.runtime.batch import process_files
    from claimflow.runtime.views import public_status

    earlier: set[str] = set()

    async def done(row: RunRow, registered: bool) -> None:
        if not registered:
            earlier.add(row.run_id)

    rows = await process_files(engine, [doc.path for doc in docs], done, concurrency=concurrency)
    return [
        outcome_of(
            doc,
            public_status(row),
            await engine.state(row.run_id),
            engine.types,
            await engine.registry.events(row.run_id),
            row.run_id,
            earlier=row.run_id in earlier,
            error=row.error,
        )  # fmt: skip
        for doc, row in zip(docs, rows, strict=True)
    ]


def _rate(num: float, den: int) -> float | None:
    return num / den if den else None


def _sum(total: UsageTotals, more: UsageTotals) -> UsageTotals:
    """The model use of two sets of runs together."""
    return UsageTotals(
        calls=total.calls + more.calls,
        input_tokens=total.input_tokens + more.input_tokens,
        output_tokens=total.output_tokens + more.output_tokens,
        cost=total.cost + more.cost,
        model_seconds=total.model_seconds + more.model_seconds,
    )


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
    usage: UsageTotals = field(default_factory=UsageTotals)
    runs: set[str] = field(default_factory=set)
    """The runs whose usage is in `usage`: a document listed twice reuses its run, which spent once."""

    def as_json(self, *, cost_known: bool = True) -> dict[str, Any]:
        """The figures as one JSON object; with `cost_known` False, the cost is None (unknown), never 0."""
        usage = {**self.usage.model_dump(), "cost_per_document": _rate(self.usage.cost, self.documents)}
        if not cost_known:
            usage |= {"cost": None, "cost_per_document": None}
        return {
            "documents": self.documents,
            "classification_rate": _rate(self.classified, self.documents),
            "exact_match_rate": _rate(self.exact, self.documents),
            "completion_rate": _rate(self.completed, self.documents),
            "auto_accepted": self.auto_accepted,
            "auto_accepted_precision": _rate(self.auto_accepted_right, self.auto_accepted),
            "review_reasons": dict(sorted(self.review_reasons.items())),
            "usage": usage,
            "fields": {name: figures.as_json() for name, figures in self.fields.items()},
        }


def _add(figures: TypeFigures, outcome: Outcome, types: DocumentTypes) -> None:
    if types.find(outcome.doc.doc_type) is None:
        return
    figures.documents += 1
    figures.classified += outcome.doc_type == outcome.doc.doc_type
    figures.completed += outcome.status == "completed"
    figures.review_reasons.update(outcome.review_codes)
    if outcome.run_id is None or outcome.run_id not in figures.runs:
        figures.usage = _sum(figures.usage, outcome.usage)
    if outcome.run_id is not None:
        figures.runs.add(outcome.run_id)
    for key, expected in outcome.expected.items():
        counts = figures.fields.setdefault(key, FieldFigures())
        claimed = outcome.values_of(key)
        right = sum(value.right for value in claimed)
        counts.expected += expected
        counts.claimed += len(claimed)
        counts.right += right
        if outcome.auto_accepted:
            figures.auto_accepted += len(claimed)
            figures.auto_accepted_right += right
    figures.exact += is_exact(outcome)


def is_exact(outcome: Outcome) -> bool:
    """The document's type and every field it is scored on are right.

    Per field, every value claimed is right and every labelled value was claimed: a field neither claimed nor
    labelled counts as right.
    """
    if outcome.doc_type != outcome.doc.doc_type:
        return False
    for key, expected in outcome.expected.items():
        claimed = outcome.values_of(key)
        if not sum(value.right for value in claimed) == len(claimed) == expected:
            return False
    return True


def measure(outcomes: list[Outcome], types: DocumentTypes, *, cost_known: bool = True) -> dict[str, Any]:
    """The figures of a whole run of a labelled set: `{"documents", ..., "types": {type: figures}, "misses"}`.

    `unanswered` names the documents whose run failed without the model's answer, each with why; `failed_runs` those
    whose run failed with it (a rule that raised), each with its error: both made no record. `cost_known` is
    False for a model with no price: the runs count its calls at 0, and the figures say the cost is unknown (None).
    """
    total = TypeFigures()
    by_type: dict[str, TypeFigures] = {}
    for outcome in outcomes:
        _add(by_type.setdefault(outcome.doc.doc_type, TypeFigures()), outcome, types)
        _add(total, outcome, types)
    summary = total.as_json(cost_known=cost_known)
    del summary["fields"]
    return {
        **summary,
        "types": {name: by_type[name].as_json(cost_known=cost_known) for name in sorted(by_type)},
        "misses": [miss.as_json() for miss in misses(outcomes, types)],
        # Scored like any failed run (its labelled values missed), and named: a timeout is no answer to judge.
        "unanswered": [{"document": o.doc.id, "reason": o.unanswered} for o in outcomes if o.unanswered is not None],
        # The runs that failed on an answer: no record, so their labelled values are missed; each named with why.
        "failed_runs": [{"document": o.doc.id, "error": o.failure} for o in outcomes if o.failure is not None],
    }
