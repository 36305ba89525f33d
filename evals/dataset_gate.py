"""`eval dataset`'s gate: what a change to a prompt, a model or the code made worse on a labelled set.

The baseline (`DIR/baseline.<model>.json`, written by `--update-baseline`) keeps the misses of a run of the set
(`evals/misses.py`), each document's fingerprint (its type, labels and bytes) and the set's headline figures. A
run is compared with it document by document, field by field. A regression is a field that got worse: right
before and missed or wrong now, a wrong value it did not have, more labelled values missed, or a wrong value now
accepted without review that a reviewer saw before. These fail the gate. A miss that is gone is fixed. A document
that is new, or whose labels or bytes changed since, is not compared: its misses are its own, not a regression.
A document the model did not answer (a timeout) fails the gate whatever its misses, and fixes none.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from claimflow.evals.baseline import not_a_baseline, read_baseline_json
from claimflow.evals.manifest import LabelledDocument

HEADLINE = ("exact_match_rate", "auto_accepted_precision", "completion_rate")
"""The whole set's figures a baseline keeps, to show beside the run's (they do not gate: the misses do)."""


class DatasetBaseline(BaseModel):
    """The content of a labelled set's baseline file."""

    model_config = ConfigDict(extra="forbid")

    model: str
    """The `--model` value the run was made with."""
    documents: dict[str, str] = Field(default_factory=dict)
    """Document id -> fingerprint of its type, labels and bytes (`fingerprint`)."""
    figures: dict[str, float | None] = Field(default_factory=dict)
    """The headline figures of the run (`HEADLINE`)."""
    misses: list[dict[str, Any]] = Field(default_factory=list)
    """The run's misses, as `Miss.as_json` gives them."""


def fingerprint(doc: LabelledDocument) -> str:
    """A hash of what a document's outcome is judged by: its labelled type and values, and its bytes."""
    digest = hashlib.sha256(json.dumps([doc.doc_type, doc.expected], sort_keys=True, default=str).encode())
    digest.update(doc.path.read_bytes())
    return digest.hexdigest()


def baseline_of(model: str, docs: Iterable[LabelledDocument], figures: Mapping[str, Any]) -> DatasetBaseline:
    """The baseline a run of the set makes: its documents' fingerprints, headline figures and misses."""
    return DatasetBaseline(
        model=model,
        documents={doc.id: fingerprint(doc) for doc in docs},
        figures={name: figures.get(name) for name in HEADLINE},
        misses=list(figures["misses"]),
    )


def load_dataset_baseline(path: Path) -> DatasetBaseline | None:
    """The baseline at `path`, or None when there is none yet; BaselineError naming the file if it does not load."""
    if not path.exists():
        return None
    data = read_baseline_json(path)
    try:
        return DatasetBaseline.model_validate(data)
    except ValidationError as error:
        raise not_a_baseline(path, error) from None


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

    @property
    def failed(self) -> bool:
        """A field of a compared document got worse, or the model did not answer for a document."""
        return bool(self.regressions or self.unanswered)

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
        }


def _values(miss: Mapping[str, Any]) -> set[str]:
    return {json.dumps(value, sort_keys=True) for value in miss["wrong"]}


def worse(before: Mapping[str, Any] | None, now: Mapping[str, Any]) -> str | None:
    """What got worse from the miss `before` (None: the field was right) to the miss `now`; None if nothing did."""
    wrong = ", ".join(json.dumps(value, ensure_ascii=False) for value in now["wrong"])
    if before is None:
        if now["wrong"]:
            return f"was right, now wrong{', accepted without review' if now['unreviewed'] else ''}: {wrong}"
        return f"was right, now misses {now['missed']} labelled value(s)"
    if now["unreviewed"] and not before["unreviewed"]:
        return f"a wrong value is now accepted without review: {wrong}"
    added = _values(now) - _values(before)
    if added:
        return f"new wrong value(s): {', '.join(sorted(added))}"
    if now["missed"] > before["missed"]:
        return f"misses {now['missed']} labelled value(s), {before['missed']} before"
    return None


def compare(
    path: Path, baseline: DatasetBaseline, docs: Sequence[LabelledDocument], figures: Mapping[str, Any]
) -> DatasetVerdict:
    """The run's misses (`figures["misses"]`) against the baseline's, for the documents both judged alike."""
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
    # A run the model did not answer fixes nothing: a wrong value it did not claim again was not judged.
    fixed = [miss for key, miss in before.items() if key[0] in compared - set(unanswered) and key not in current]
    return DatasetVerdict(
        baseline=path,
        regressions=regressions,
        fixed=fixed,
        not_compared=[doc.id for doc in docs if doc.id not in compared],
        gone=sorted(set(baseline.documents) - set(now_prints)),
        figures={name: (baseline.figures.get(name), figures.get(name)) for name in HEADLINE},
        unanswered=unanswered,
    )
