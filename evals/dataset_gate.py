"""`eval dataset`'s gate: what a change to a prompt, a model or the code made worse on a labelled set.

The baseline (`DIR/baseline.<model>.json`, written by `--update-baseline`) keeps the misses of a run of the set
(`evals/misses.py`), each document's fingerprint (its type, labels and bytes) and the set's headline figures. A
run is compared with it document by document, field by field. A regression is a field that got worse: right
before and missed or wrong now, a wrong value it did not have, more labelled values missed, or a wrong value now
accepted without review that a reviewer saw before. These fail the gate. A miss that is gone is fixed. A document
that is new, or whose labels or bytes changed since, is not compared: its misses are its own, not a regression.
A document the model did not answer (a timeout) fails the gate whatever its misses, and fixes none; nor does one
whose run failed (a rule that raised: no record, so each labelled value is missed). A field the
baseline measured on a compared document that the run does not measure (`evals/lost_fields.py`: taken out of its
type) fails the gate too, and its misses are not fixed: nothing was judged.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from claimflow.evals.baseline import not_a_baseline, read_baseline_json
from claimflow.evals.baseline_checks import check_figures
from claimflow.evals.baseline_kind import refuse_other_kind
from claimflow.evals.errors import BaselineError
from claimflow.evals.lost_fields import (
    LostField,
    comparable_exact_match,
    lost_fields,
    measured_by,
    measured_by_misses,
)
from claimflow.evals.manifest import LabelledDocument

if TYPE_CHECKING:
    from claimflow.evals.dataset import Outcome

HEADLINE = ("exact_match_rate", "auto_accepted_precision", "completion_rate")
"""The whole set's figures a baseline keeps, to show beside the run's (they do not gate: the misses do)."""


class DatasetBaseline(BaseModel):
    """The content of a labelled set's baseline file."""

    model_config = ConfigDict(extra="forbid")

    model: str = Field(min_length=1)
    """The `--model` value the run was made with."""
    documents: dict[str, str] = Field(default_factory=dict)
    """Document id -> fingerprint of its type, labels and bytes (`fingerprint`)."""
    figures: dict[str, float | None] = Field(default_factory=dict)
    """The headline figures of the run (`HEADLINE`)."""
    misses: list[dict[str, Any]] = Field(default_factory=list)
    """The run's misses, as `Miss.as_json` gives them."""
    measured: dict[str, dict[str, int]] | None = None
    """Document id -> the fields and table columns it was scored on -> how many values its labels give; None in a
    baseline written before it was recorded (then the fields of its misses stand for it)."""

    @field_validator("figures")
    @classmethod
    def _figures(cls, figures: dict[str, float | None]) -> dict[str, float | None]:
        return check_figures(figures, HEADLINE)


def fingerprint(doc: LabelledDocument) -> str:
    """A hash of what a document's outcome is judged by: its labelled type and values, and its bytes."""
    digest = hashlib.sha256(json.dumps([doc.doc_type, doc.expected], sort_keys=True, default=str).encode())
    digest.update(doc.path.read_bytes())
    return digest.hexdigest()


def baseline_of(model: str, outcomes: Sequence[Outcome], figures: Mapping[str, Any]) -> DatasetBaseline:
    """The baseline a run makes: each document's fingerprint and what it was scored on, the figures, the misses."""
    return DatasetBaseline(
        model=model,
        documents={outcome.doc.id: fingerprint(outcome.doc) for outcome in outcomes},
        figures={name: figures.get(name) for name in HEADLINE},
        misses=list(figures["misses"]),
        measured=measured_by(outcomes),
    )


def load_dataset_baseline(path: Path) -> DatasetBaseline | None:
    """The baseline at `path`, or None when there is none yet; BaselineError naming the file if it does not load."""
    if not path.exists():
        return None
    data = read_baseline_json(path)
    refuse_other_kind(path, data, "dataset")
    try:
        return DatasetBaseline.model_validate(data)
    except ValidationError as error:
        raise not_a_baseline(path, error) from None


def refuse_overwriting_other_kind(path: Path) -> None:
    """Raise before `--update-baseline` writes over a baseline of golden cases: it is no earlier run of the set.

    A file that is not JSON, or not a baseline, is written over, as a broken baseline is meant to be.

    Raises:
        BaselineError: `path` holds a baseline of golden cases.
    """
    if not path.is_file():
        return
    try:
        data = read_baseline_json(path)
    except BaselineError:
        return
    refuse_other_kind(path, data, "dataset")


@dataclass(frozen=True)
class Regression:
    """A field of a document that got worse against the baseline."""

    document: str
    field: str
    why: str
    """What got worse, in words."""
    miss: Mapping[str, Any]
    """The miss now (`Miss.as_json`)."""

    def as_json(self) -> dict[str, Any]:
        """The regression as one JSON object."""
        return {"document": self.document, "field": self.field, "why": self.why, "miss": dict(self.miss)}


@dataclass(frozen=True)
class DatasetVerdict:
    """What changed against the baseline; `failed` when a field got worse."""

    baseline: Path
    regressions: list[Regression]
    fixed: Sequence[Mapping[str, Any]]
    """The baseline's misses, of documents compared, that are gone."""
    not_compared: list[str]
    """Documents new to the set, or whose labels or bytes changed since the baseline."""
    gone: list[str]
    """Documents of the baseline that the set no longer lists."""
    figures: dict[str, tuple[float | None, float | None]]
    """Headline figure -> (the baseline's, now)."""
    unanswered: list[str]
    """Documents whose run the model did not answer (a timeout, a 5xx past the retries): they fail the gate too."""
    lost: list[LostField] = field(default_factory=list)
    """Fields the baseline measured on compared documents that the run does not measure: they fail the gate too."""
    baseline_model: str | None = None
    """The model the baseline was made with; None when there is no baseline file (nothing is compared)."""

    @property
    def failed(self) -> bool:
        """A field of a compared document got worse or is no longer measured, or the model did not answer."""
        return bool(self.regressions or self.unanswered or self.lost)

    def as_json(self) -> dict[str, Any]:
        """The verdict as one JSON object."""
        return {
            "baseline": str(self.baseline),
            "failed": self.failed,
            "regressions": [regression.as_json() for regression in self.regressions],
            "fixed": [dict(miss) for miss in self.fixed],
            "not_compared": self.not_compared,
            "gone": self.gone,
            "figures": {name: {"baseline": before, "now": now} for name, (before, now) in self.figures.items()},
            "unanswered": self.unanswered,
            "no_longer_measured": [item.as_json() for item in self.lost],
            "baseline_model": self.baseline_model,
        }


def _values(miss: Mapping[str, Any]) -> set[str]:
    return {json.dumps(value, sort_keys=True) for value in miss["wrong"]}


def worse(before: Mapping[str, Any] | None, now: Mapping[str, Any]) -> str | None:
    """What got worse from the miss `before` (None: the field was right) to the miss `now`; None if nothing did."""
    wrong = ", ".join(json.dumps(value, ensure_ascii=False) for value in now["wrong"])
    failed = " (the run failed: no record)" if now.get("status") == "failed" else ""
    if before is None:
        if now["wrong"]:
            return f"was right, now wrong{', accepted without review' if now['unreviewed'] else ''}: {wrong}"
        return f"was right, now misses {now['missed']} labelled value(s){failed}"
    if now["unreviewed"] and not before["unreviewed"]:
        return f"a wrong value is now accepted without review: {wrong}"
    added = _values(now) - _values(before)
    if added:
        return f"new wrong value(s): {', '.join(sorted(added))}"
    if now["missed"] > before["missed"]:
        return f"misses {now['missed']} labelled value(s), {before['missed']} before{failed}"
    return None


def compare(
    path: Path, baseline: DatasetBaseline, outcomes: Sequence[Outcome], figures: Mapping[str, Any]
) -> DatasetVerdict:
    """The run's misses (`figures["misses"]`) against the baseline's, for the documents both judged alike."""
    docs = [outcome.doc for outcome in outcomes]
    now_prints = {doc.id: fingerprint(doc) for doc in docs}
    compared = {doc_id for doc_id, printed in now_prints.items() if baseline.documents.get(doc_id) == printed}
    before = {(miss["document"], miss["field"]): miss for miss in baseline.misses}
    current = {(miss["document"], miss["field"]): miss for miss in figures["misses"]}
    regressions = [
        Regression(document, field, why, miss)
        for (document, field), miss in current.items()
        if document in compared and (why := worse(before.get((document, field)), miss)) is not None
    ]
    unanswered = [item["document"] for item in figures.get("unanswered", ())]
    measured = measured_by_misses(baseline.misses) if baseline.measured is None else baseline.measured
    lost = lost_fields(measured, outcomes, compared)
    unjudged = {(document, item.field) for item in lost for document in item.documents}
    # A run the model did not answer fixes nothing: a wrong value it did not claim again was not judged. Nor does a
    # run that failed (it made no record, so it claimed nothing), nor a field no longer measured: its miss is gone
    # because nothing asks for it.
    failed = {item["document"] for item in figures.get("failed_runs", ())}
    fixed = [
        miss
        for key, miss in before.items()
        if key[0] in compared - set(unanswered) - failed and key not in current and key not in unjudged
    ]
    now = {name: figures.get(name) for name in HEADLINE}
    if lost:  # fewer fields to get right is no better match: each lost field is asked for as before
        now["exact_match_rate"] = comparable_exact_match(outcomes, measured, lost)
    return DatasetVerdict(
        baseline=path,
        regressions=regressions,
        fixed=fixed,
        not_compared=[doc.id for doc in docs if doc.id not in compared],
        gone=sorted(set(baseline.documents) - set(now_prints)),
        figures={name: (baseline.figures.get(name), now[name]) for name in HEADLINE},
        unanswered=unanswered,
        lost=lost,
        baseline_model=baseline.model,
    )


def without_baseline(path: Path, outcomes: Sequence[Outcome], figures: Mapping[str, Any]) -> DatasetVerdict:
    """The verdict where `path` holds no baseline yet: every document is new, and nothing is gated.

    Its `baseline_model` is None. A document the model did not answer still fails it: the figures then measure a
    server that timed out as much as the model, and a first run on CI must not pass on them.
    """
    return DatasetVerdict(
        baseline=path,
        regressions=[],
        fixed=[],
        not_compared=[outcome.doc.id for outcome in outcomes],
        gone=[],
        figures={name: (None, figures.get(name)) for name in HEADLINE},
        unanswered=[outcome.doc.id for outcome in outcomes if outcome.unanswered is not None],
    )
