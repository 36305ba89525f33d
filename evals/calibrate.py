"""`claimflow eval calibrate`: per-field auto-accept thresholds from the confidences runs claimed.

Per type and field, the accepted values of a labelled set are sorted by their claim's confidence; for each
confidence seen, the values at or above it have a precision and a Wilson lower bound on it. The threshold is
the lowest confidence whose lower bound reaches the target with at least `min_samples` values above it;
a field where none does is always reviewed. A `multiple` field is calibrated on its values one by one, each
with its own claim's confidence. A table column (`line_items.amount`) is calibrated on its cells with the
confidence of their row's claim when the claim states one; since rows are not auto-accepted by confidence,
its figures are reported but never written into the policy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

from claimflow.evals.dataset import Outcome
from claimflow.state.policy import ALWAYS_REVIEW, Policy


def wilson_lower_bound(right: int, n: int, confidence_level: float) -> float:
    """The lower end of the Wilson score interval for `right` successes out of `n` (two-sided level)."""
    if n == 0:
        return 0.0
    z = NormalDist().inv_cdf(1 - (1 - confidence_level) / 2)
    p = right / n
    centre = p + z * z / (2 * n)
    spread = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, (centre - spread) / (1 + z * z / n))


@dataclass(frozen=True)
class CurvePoint:
    """The values claimed at or above one confidence: how many, how many right, and the bound on that share."""

    confidence: float
    n: int
    right: int
    lower_bound: float

    @property
    def precision(self) -> float:
        """The share of these values that are right."""
        return self.right / self.n


@dataclass(frozen=True)
class FieldThreshold:
    """The chosen bar of one field, and the figures of the values at or above it (of all values if none)."""

    doc_type: str
    field: str
    threshold: float | None
    """None: always review."""
    n: int
    precision: float | None
    lower_bound: float
    curve: tuple[CurvePoint, ...] = ()
    """Every candidate threshold, highest confidence first: what the choice was made from."""


def curve(samples: list[tuple[float, bool]], level: float) -> tuple[CurvePoint, ...]:
    """Per confidence seen (highest first), the values at or above it and the Wilson lower bound of their precision."""
    ordered = sorted(samples, key=lambda sample: -sample[0])
    points = []
    right = 0
    for index, (confidence, ok) in enumerate(ordered):
        right += ok
        n = index + 1
        if n < len(ordered) and ordered[n][0] == confidence:
            continue  # a threshold takes every value of the same confidence
        points.append(CurvePoint(confidence, n, right, wilson_lower_bound(right, n, level)))
    return tuple(points)


def choose(
    doc_type: str, name: str, samples: list[tuple[float, bool]], *, target: float, level: float, min_samples: int
) -> FieldThreshold:
    """The lowest confidence whose values at or above it reach `target` at the lower bound."""
    points = curve(samples, level)
    reaching = [p for p in points if p.n >= min_samples and p.lower_bound >= target]
    if reaching:
        best = reaching[-1]
        return FieldThreshold(doc_type, name, best.confidence, best.n, best.precision, best.lower_bound, points)
    n, right = len(samples), sum(ok for _, ok in samples)
    bound = wilson_lower_bound(right, n, level)
    return FieldThreshold(doc_type, name, None, n, right / n if n else None, bound, points)


def calibrate(
    outcomes: list[Outcome], *, target: float, level: float = 0.95, min_samples: int = 10
) -> list[FieldThreshold]:
    """One threshold per labelled type and claimed field, in type then field order."""
    samples: dict[tuple[str, str], list[tuple[float, bool]]] = {}
    for outcome in outcomes:
        if outcome.doc_type != outcome.doc.doc_type:
            continue
        for value in outcome.values:
            if value.confidence is not None:
                samples.setdefault((outcome.doc.doc_type, value.field), []).append((value.confidence, value.right))
    return [
        choose(doc_type, name, found, target=target, level=level, min_samples=min_samples)
        for (doc_type, name), found in sorted(samples.items())
    ]


def with_thresholds(policy: Policy, chosen: list[FieldThreshold]) -> Policy:
    """`policy` with these per-field thresholds laid over the ones it had."""
    table = {doc_type: dict(fields) for doc_type, fields in policy.field_thresholds.items()}
    for found in chosen:
        if "." in found.field:
            continue  # a table column (`line_items.amount`): rows are not auto-accepted by confidence
        table.setdefault(found.doc_type, {})[found.field] = (
            found.threshold if found.threshold is not None else ALWAYS_REVIEW
        )
    return policy.model_copy(update={"field_thresholds": table})
