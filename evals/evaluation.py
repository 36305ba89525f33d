"""One evaluation: choose the golden cases, run them, measure each step and gate against the baseline."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from claimflow.evals.baseline import (
    Baseline,
    GateVerdict,
    baseline_path,
    code_hashes,
    gate,
    load_baseline,
    measure_baseline,
    prompt_hashes,
    write_baseline,
)
from claimflow.evals.changed import ChangedSelection, select_changed
from claimflow.evals.golden import GOLDENS, GoldenCase, load_goldens
from claimflow.evals.metrics import step_metrics
from claimflow.evals.result import CaseResult
from claimflow.evals.runner import REPLAY, run_cases
from claimflow.evals.select import select_cases
from claimflow.nodes.ports import ModelGateway


@dataclass(frozen=True)
class Evaluation:
    """The results, the metrics per step, and the gate's verdict against the model's baseline."""

    model: str
    results: list[CaseResult]
    metrics: dict[str, dict[str, Any]]
    baseline: Path
    verdict: GateVerdict
    changed: ChangedSelection | None = None
    """With `--changed`: the steps selected and why (the other cases' results are the baseline's)."""

    def as_json(self) -> dict[str, Any]:
        """One JSON object: model, metrics per step, the gate and every case's result."""
        verdict = self.verdict
        return {
            "model": self.model,
            "metrics": self.metrics,
            "gate": {
                "baseline": self.baseline.name, "failed": verdict.failed,
                "flipped": [vars(flip) for flip in verdict.flips], "changed": [vars(c) for c in verdict.changes],
                "metric_drops": [vars(drop) for drop in verdict.drops], "changed_inputs": verdict.changed_inputs,
            },
            "cases": [r.model_dump(mode="json") for r in self.results],
            "changed": None if self.changed is None else {
                "steps": [
                    {"step": c.step, "reasons": list(c.reasons),
                     "doc_types": None if c.doc_types is None else sorted(c.doc_types)}
                    for c in self.changed.steps
                ],
                "ran": sorted(case.id for case in self.changed.cases),
            },
        }  # fmt: skip


def evaluate_goldens(
    *,
    model: str = REPLAY,
    gateway: ModelGateway | None = None,
    goldens: Path = GOLDENS,
    steps: Sequence[str] = (),
    doc_types: Sequence[str] = (),
    baseline: Path | None = None,
    update_baseline: bool = False,
    concurrency: int = 1,
    changed: bool = False,
) -> Evaluation:
    """Run the chosen cases and compare them with the baseline (or, with `update_baseline`, rewrite it).

    Args:
        model: `replay` (the recorded claims), `rules`, or the model `gateway` serves; names the baseline.
        gateway: What answers model steps for a model other than replay and rules.
        goldens: The folder of cases.
        steps: Only these steps (all when empty).
        doc_types: Only cases about these document types (all when empty); metrics are then not gated.
        baseline: The baseline file; `evals/baseline.<model>.json` by default.
        update_baseline: Write the results as the new baseline (the tolerances it configured are kept).
        concurrency: Cases run at once.
        changed: Run only the cases a prompt or code change since the baseline can affect; take every
            other case's result from the baseline (cannot be combined with `update_baseline`).
    """
    path = baseline or baseline_path(model)
    cases = select_cases(load_goldens(goldens), steps, doc_types)
    if changed:
        if update_baseline:
            raise ValueError("--changed runs part of the cases: it cannot update the baseline")
        return _evaluate_changed(model, gateway, cases, path, concurrency, partial=bool(doc_types))
    results = run_cases(cases, backend=gateway or model, concurrency=concurrency)
    metrics = step_metrics(results)
    old = load_baseline(path, model)
    if update_baseline:
        write_baseline(path, _merged(old, measure_baseline(model, results, metrics, old.tolerances)))
    verdict = gate(results, metrics, old, check_metrics=not doc_types)
    return Evaluation(model, results, metrics, path, verdict)


def _evaluate_changed(
    model: str,
    gateway: ModelGateway | None,
    cases: Sequence[GoldenCase],
    path: Path,
    concurrency: int,
    *,
    partial: bool,
) -> Evaluation:
    """Run the cases the changes select; the others keep the baseline's result and metrics."""
    old = load_baseline(path, model)
    selection = select_changed(cases, old, prompt_hashes(), code_hashes())
    ran = run_cases(list(selection.cases), backend=gateway or model, concurrency=concurrency)
    fresh = step_metrics(ran)
    ran_ids = {r.id for r in ran}
    kept = [
        CaseResult(id=case.id, kind=case.kind, step=case.step, passed=old.cases[case.id], message="")
        for case in cases
        if case.id not in ran_ids and case.id in old.cases
    ]
    # A step's metrics are comparable with the baseline's only when all of its cases ran.
    whole = {step for step in fresh if not partial and all(case.id in ran_ids for case in cases if case.step == step)}
    verdict = gate(ran, {step: fresh[step] for step in whole}, old)
    shown_steps = {case.step for case in cases}
    metrics = {step: row for step, row in old.metrics.items() if step in shown_steps} | fresh
    results = sorted([*ran, *kept], key=lambda r: r.id)
    return Evaluation(model, results, dict(sorted(metrics.items())), path, verdict, selection)


def _merged(old: Baseline, new: Baseline) -> Baseline:
    """The new baseline, keeping the old entries of cases and steps that were not run this time."""
    return new.model_copy(update={"cases": old.cases | new.cases, "metrics": old.metrics | new.metrics})


def gate_lines(evaluation: Evaluation) -> list[str]:
    """What the gate found, one line each: flipped cases (expected, before, after), metric drops."""
    verdict, lines = evaluation.verdict, []
    for flip in verdict.flips:
        lines.append(f"flipped {flip.id}: {flip.before} -> {flip.after}")
        lines.append(f"  expected: {_compact(flip.expected)}")
        lines.append(f"  after:    {_compact(flip.got)}")
        lines += [f"  {line}" for line in flip.message.splitlines()]
    for drop in verdict.drops:
        after = "none" if drop.after is None else f"{drop.after:.3f}"
        lines.append(
            f"metric {drop.step}.{drop.metric} dropped: {drop.before:.3f} -> {after} (tolerance {drop.tolerance})"
        )
    if verdict.changed_inputs:
        lines.append(f"changed since the baseline: {', '.join(verdict.changed_inputs)}")
    return lines


def _compact(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)
