"""Per-step metrics over case results: how many passed, and the measures that fit each kind of step.

Every measure is a share in [0, 1] (None when the step has nothing to measure it on), except the
usage sums (tokens, cost, latency), which are what the backend reported: all zero for replay; zero
tokens and cost for rules, whose latency is the time its rules took over the text.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from claimflow.evals.result import CaseResult

HIGHER_IS_BETTER = (
    "pass_rate", "type_accuracy", "precision", "recall", "exact_match", "evidence_validity",
    "accept_reject_agreement", "route_accuracy",
)  # fmt: skip
"""The metrics the regression gate watches for drops (review rate and usage have no better direction)."""


def _share(hits: int, total: int) -> float | None:
    return hits / total if total else None


def _classify(results: Sequence[CaseResult]) -> dict[str, Any]:
    judged = [r for r in results if isinstance(r.expected, dict) and r.expected.get("doc_type") is not None]
    right = sum(isinstance(r.got, dict) and r.got.get("doc_type") == r.expected["doc_type"] for r in judged)
    return {"type_accuracy": _share(right, len(judged))}


def _extract(results: Sequence[CaseResult]) -> dict[str, Any]:
    """Precision, recall and exact match of accepted values against the expected ones, per field and overall."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # expected, claimed, right
    exact = judged = 0
    for r in results:
        if not isinstance(r.expected, dict) or not isinstance(r.got, dict):
            continue
        wanted: dict[str, Any] = r.expected.get("fields", {})
        have: dict[str, Any] = r.got.get("fields", {})
        judged += 1
        all_right = True
        for name, want in wanted.items():
            got = have.get(name) or {}
            expects = want.get("status", "accepted") == "accepted" and want.get("value") is not None
            claimed = got.get("status") in ("accepted", "edited") and got.get("value") is not None
            right = claimed and expects and got.get("value") == want.get("value")
            tally = counts[name]
            tally[0] += expects
            tally[1] += claimed
            tally[2] += right
            wanted_outcome = (want.get("status", "accepted"), want.get("value"))
            all_right = all_right and (got.get("status"), got.get("value")) == wanted_outcome
        exact += int(all_right)
    fields = {
        name: {"expected": e, "claimed": c, "right": k, "precision": _share(k, c), "recall": _share(k, e)}
        for name, (e, c, k) in sorted(counts.items())
    }
    total_expected, total_claimed, total_right = (sum(t[i] for t in counts.values()) for i in range(3))
    return {
        "precision": _share(total_right, total_claimed), "recall": _share(total_right, total_expected),
        "exact_match": _share(exact, judged), "fields": fields,
    }  # fmt: skip


def _verdicts(results: Sequence[CaseResult]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(expected, got) verdict pairs of apply cases."""
    return [
        (want, have)
        for r in results
        if isinstance(r.expected, list) and isinstance(r.got, list)
        for want, have in zip(r.expected, r.got, strict=False)
    ]


def _evidence_validity(results: Sequence[CaseResult]) -> float | None:
    """Share of claims whose quote apply found in the source and accepted as proof of the field.

    Apply cases give apply's verdict per claim; extract cases give each claimed field's status after apply.
    """
    verdicts = [bool(have.get("accepted")) for r in results if isinstance(r.got, list) for have in r.got]
    for r in results:
        if isinstance(r.got, dict) and isinstance(r.got.get("fields"), dict):
            statuses = [f.get("status") for f in r.got["fields"].values()]
            verdicts += [status == "accepted" for status in statuses if status in ("accepted", "rejected")]
    return _share(sum(verdicts), len(verdicts))


def _cost(results: Sequence[CaseResult]) -> float | None:
    """What the cases' calls cost together; None when one's is unknown (a model with no price): no sum is 0."""
    costs = [r.cost for r in results]
    return None if any(cost is None for cost in costs) else sum(cost for cost in costs if cost is not None)


def step_metrics(results: Sequence[CaseResult]) -> dict[str, dict[str, Any]]:
    """Metrics per step, steps sorted by name.

    Every step has `cases`, `passed`, `failed`, `pass_rate` and the usage sums (`input_tokens`,
    `output_tokens`, `cost` (None when unknown), `latency_ms`). Then by kind: classify `type_accuracy`; extract_<type>
    `precision`, `recall`, `exact_match` and `fields` (per field: expected, claimed, right, precision,
    recall) and `evidence_validity`; apply `accept_reject_agreement` and `evidence_validity`; router
    steps `route_accuracy`; document `review_rate` (share of runs that ended waiting for a reviewer).
    """
    by_step: dict[str, list[CaseResult]] = defaultdict(list)
    for r in results:
        by_step[r.step].append(r)
    metrics: dict[str, dict[str, Any]] = {}
    for step, rs in sorted(by_step.items()):
        passed = sum(r.passed for r in rs)
        row: dict[str, Any] = {"kind": rs[0].kind, "cases": len(rs), "passed": passed, "failed": len(rs) - passed}
        row["pass_rate"] = _share(passed, len(rs))
        if step == "classify":
            row |= _classify(rs)
        elif step.startswith("extract_"):
            row |= _extract(rs) | {"evidence_validity": _evidence_validity(rs)}
        elif rs[0].kind == "apply":
            pairs = _verdicts(rs)
            agree = sum(want.get("accepted") == have.get("accepted") for want, have in pairs)
            row |= {"accept_reject_agreement": _share(agree, len(pairs)), "evidence_validity": _evidence_validity(rs)}
        elif rs[0].kind == "router":
            right = sum(isinstance(r.got, dict) and r.got.get("target") == r.expected.get("target") for r in rs)
            row["route_accuracy"] = _share(right, len(rs))
        elif rs[0].kind == "document":
            review = sum(isinstance(r.got, dict) and r.got.get("status") == "needs_review" for r in rs)
            row["review_rate"] = _share(review, len(rs))
        row |= {
            "input_tokens": sum(r.input_tokens for r in rs), "output_tokens": sum(r.output_tokens for r in rs),
            "cost": _cost(rs), "latency_ms": sum(r.latency_ms for r in rs),
        }  # fmt: skip
        metrics[step] = row
    return metrics
