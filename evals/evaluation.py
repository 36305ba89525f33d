"""One evaluation: choose the golden cases, run them, measure each step and gate against the baseline."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from claimflow.evals.baseline import (
    Baseline,
    Flip,
    GateVerdict,
    baseline_path,
    case_hash,
    code_hashes,
    gate,
    load_baseline,
    measure_baseline,
    prompt_hashes,
    update_baseline_file,
)
from claimflow.evals.builtin import builtin_workflow_types
from claimflow.evals.case_fields import check_case_fields
from claimflow.evals.changed import ChangedSelection, select_changed
from claimflow.evals.golden import GOLDENS, GoldenCase, ModelStepCase
from claimflow.evals.metrics import step_metrics
from claimflow.evals.result import CaseResult
from claimflow.evals.runner import REPLAY, run_cases
from claimflow.evals.select import case_type, choose_cases, runs_for
from claimflow.evals.unanswered import answered_or_raise
from claimflow.evals.unmeasured import Unmeasured, unmeasured_cases
from claimflow.nodes.ports import ModelGateway
from claimflow.state.schema import DocumentType, DocumentTypes


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
    carried: frozenset[str] = frozenset()
    """With `--changed`: the steps none of whose cases ran, whose metrics (tokens and cost too) are the baseline's."""
    written: bool = False
    """The baseline was rewritten (`update_baseline`, and every case that asked the model got an answer)."""
    baseline_model: str | None = None
    """The model the baseline file says it was measured with; None when there was no file."""
    not_run: tuple[str, ...] = ()
    """The chosen `replay_only` cases a model other than replay left out: their claims are deliberately wrong."""

    def not_run_note(self) -> str | None:
        """A line naming how many `replay_only` cases this model did not run, or None when it ran them all."""
        if not self.not_run:
            return None
        return (
            f"not run with {self.model}: {len(self.not_run)} replay_only case(s), whose recorded claims are "
            "deliberately wrong (they test apply, not a model); `claimflow eval` (replay) runs them"
        )

    def other_model_note(self) -> str | None:
        """A note when the baseline was measured with another model than this run's: its results are not this one's."""
        if self.baseline_model is None or self.baseline_model == self.model:
            return None
        carried = "; the cases --changed did not run keep that model's results" if self.changed is not None else ""
        return (
            f"note: {self.baseline.name} was measured with {self.baseline_model}, this run with {self.model}: the "
            f"gate compares two models{carried}"
        )

    def as_json(self) -> dict[str, Any]:
        """One JSON object: model, metrics per step, the gate and every case's result.

        Each step's metrics and each case's result say whether they are the baseline's (`from_baseline`): with
        `--changed`, what did not run is shown as the baseline recorded it, not measured now.
        """
        verdict = self.verdict
        return {
            "model": self.model,
            "metrics": {step: {**row, "from_baseline": step in self.carried} for step, row in self.metrics.items()},
            "gate": {
                "baseline": self.baseline.name, "failed": verdict.failed, "regressed": verdict.regressed,
                "flipped": [vars(flip) for flip in verdict.flips], "changed": [vars(c) for c in verdict.changes],
                "new_failures": [vars(new) for new in verdict.new_failures],
                "metric_drops": [vars(drop) for drop in verdict.drops], "changed_inputs": verdict.changed_inputs,
                "unmeasured": [case.as_json() for case in verdict.unmeasured], "unanswered": verdict.unanswered,
                "gone": verdict.gone, "baseline_model": self.baseline_model,
            },
            "cases": [r.model_dump(mode="json") for r in self.results],
            "not_run": list(self.not_run),
            "changed": None if self.changed is None else {
                "steps": [
                    {"step": c.step, "reasons": list(c.reasons),
                     "doc_types": None if c.doc_types is None else sorted(c.doc_types)}
                    for c in self.changed.steps
                ],
                # What ran, not what was selected: a live model leaves out the replay-only cases selected.
                "ran": sorted(result.id for result in self.results if not result.from_baseline),
            },
        }  # fmt: skip


def evaluate_goldens(
    *,
    model: str = REPLAY,
    gateway: ModelGateway | None = None,
    goldens: Path | None = None,
    steps: Sequence[str] = (),
    doc_types: Sequence[str] = (),
    baseline: Path | None = None,
    update_baseline: bool = False,
    concurrency: int = 1,
    changed: bool = False,
    types: DocumentTypes | None = None,
    cost_known: bool = True,
) -> Evaluation:
    """Run the chosen cases and compare them with the baseline (or, with `update_baseline`, rewrite it).

    Args:
        model: `replay` (the recorded claims), `rules`, or the model `gateway` serves; names the baseline.
        gateway: What answers model steps for a model other than replay and rules.
        goldens: The folder of cases; the package's own `evals/goldens/` by default.
        steps: Only these steps (all when empty).
        doc_types: Only cases about these document types (all when empty); metrics are then not gated.
        baseline: The baseline file. By default `evals/baseline.<model>.json` for the package's own cases, and
            `<goldens>/baseline.<model>.json` for another folder's: a user's cases are never gated against (or
            written into) the installed package's baseline.
        update_baseline: Write the results as the new baseline (the tolerances it configured are kept), unless
            the model did not answer a case (`Evaluation.written` says whether it was written).
        concurrency: Cases run at once.
        changed: Run only the cases a prompt or code change since the baseline can affect; take every
            other case's result from the baseline (cannot be combined with `update_baseline`).
        types: The active document types (`claimflow.load_types().types`); the built-in ones by default.
        cost_known: False for a live model with no price: each case's cost, and each step's, is None (unknown),
            not the 0 the gateway counts it at.

    Raises:
        GoldenError: A case file does not load or names a field its type does not have, the folder or the
            selection holds no case, or a case runs for a type that is not in `types` (see
            `claimflow.evals.errors`).
        ModelUnavailableError: A live model answered none of the cases run that asked it (`evals/unanswered.py`);
            a case it did not answer among others that it did fails alone.
    """
    types = builtin_workflow_types() if types is None else types
    folder = GOLDENS if goldens is None else goldens
    every, cases = choose_cases(folder, steps, doc_types, types.names)
    check_case_fields(cases, types)
    path = baseline or default_baseline(model, goldens)
    asked = _asked(every, types)
    prompts, code = prompt_hashes(asked, offered=types), code_hashes(types=asked)
    if changed and update_baseline:
        raise ValueError("--changed runs part of the cases: it cannot update the baseline")
    old = load_baseline(path, model)  # a baseline that does not load stops the run before any case is paid for
    unmeasured = _unmeasured(model, gateway, cases, types, path, old)
    # A case deleted from the folder would vanish from every report, whatever the baseline said of it.
    gone = sorted(set(old.cases) - {case.id for case in every})
    measured_with = old.model if path.exists() else None
    if changed:
        done = _evaluate_changed(model, gateway, cases, path, old, concurrency, partial=bool(doc_types), types=types,
                                 prompts=prompts, code=code, cost_known=cost_known)  # fmt: skip
        verdict = replace(done.verdict, unmeasured=unmeasured, gone=gone)
        not_run = _not_run(model, gateway, done.changed.cases if done.changed is not None else ())
        return replace(done, verdict=verdict, baseline_model=measured_with, not_run=not_run)
    results = _costed(run_cases(cases, backend=gateway or model, concurrency=concurrency, types=types), cost_known)
    answered_or_raise(results)
    metrics = step_metrics(results)
    # A case the model did not answer was not measured: written as failing, a timeout would pass as known.
    written = update_baseline and not any(r.unanswered is not None for r in results)
    if written:
        # A prompt whose cases stay unmeasured keeps the hash the old baseline recorded: a hand-written case (no
        # `prompt_sha256`) answered that text, and the new hash would pass it on the next run as measured.
        kept = {u.now: old.prompts[u.now] for u in unmeasured if u.recorded == u.now and u.now in old.prompts}
        hashes = {case.id: case_hash(case) for case in cases}
        # A step's metrics over part of its cases (`--type`) are not its metrics: written, the next full run would
        # gate against them (a false drop, or a real one hidden). Its case results are written all the same.
        chosen = {case.id for case in cases}
        whole = {step for step in metrics if all(case.id in chosen for case in every if case.step == step)}
        measured = measure_baseline(
            model, results, {step: metrics[step] for step in whole}, old.tolerances, prompts | kept, code, hashes
        )
        # Merged into the file as it is now, not as it was read above: another run may have written it since.
        in_folder = {case.id for case in every}
        update_baseline_file(path, model, lambda now: _merged(now, measured, keep=in_folder))
    verdict = gate(results, metrics, old, check_metrics=not doc_types, prompts=prompts, code=code)
    verdict = replace(verdict, unmeasured=unmeasured, gone=gone)
    return Evaluation(model, results, metrics, path, verdict, written=written, baseline_model=measured_with,
                      not_run=_not_run(model, gateway, cases))  # fmt: skip


def _unmeasured(
    model: str,
    gateway: ModelGateway | None,
    cases: Sequence[GoldenCase],
    types: DocumentTypes,
    path: Path,
    old: Baseline,
) -> list[Unmeasured]:
    """With replay, every chosen case whose claim answered another prompt than the one in force.

    Whether or not `--changed` runs it: a case kept from the baseline was measured no better, and a replay
    baseline rewritten since does not make it so. A live baseline beside it that measured the prompt in force does.
    """
    if model != REPLAY or gateway is not None:
        return []
    return unmeasured_cases(cases, types, path.parent, old.prompts)


def default_baseline(model: str, goldens: Path | None) -> Path:
    """The baseline a run gates against when none is named: the package's for its own cases, else the folder's."""
    if goldens is None or goldens.resolve() == GOLDENS.resolve():
        return baseline_path(model)
    return baseline_path(model, goldens)


def _asked(cases: Sequence[GoldenCase], types: DocumentTypes) -> list[DocumentType]:
    """The active types the cases are about: whose extraction prompts and code their results depend on.

    Not every active type: a type the cases never name (one a user added beside the built-ins) must not show
    up as a "changed prompt" against a baseline measured without it.
    """
    named = {case_type(case) for case in cases} | {runs_for(case) for case in cases}
    return [doc_type for doc_type in types if doc_type.name in named]


def _evaluate_changed(
    model: str,
    gateway: ModelGateway | None,
    cases: Sequence[GoldenCase],
    path: Path,
    old: Baseline,
    concurrency: int,
    *,
    partial: bool,
    types: DocumentTypes,
    prompts: dict[str, str],
    code: dict[str, str],
    cost_known: bool,
) -> Evaluation:
    """Run the cases the changes select; the others keep the baseline's result and metrics (`old`, read from `path`)."""
    selection = select_changed(cases, old, prompts, code)
    ran = _costed(
        run_cases(list(selection.cases), backend=gateway or model, concurrency=concurrency, types=types), cost_known
    )
    answered_or_raise(ran)
    fresh = step_metrics(ran)
    ran_ids = {r.id for r in ran}
    kept = [
        CaseResult(id=case.id, kind=case.kind, step=case.step, passed=old.cases[case.id], from_baseline=True)
        for case in cases
        if case.id not in ran_ids and case.id in old.cases
    ]
    # A step's metrics are comparable with the baseline's only when all of its cases ran.
    whole = {step for step in fresh if not partial and all(case.id in ran_ids for case in cases if case.step == step)}
    verdict = gate(ran, {step: fresh[step] for step in whole}, old, prompts=prompts, code=code)
    shown_steps = {case.step for case in cases}
    metrics = {step: row for step, row in old.metrics.items() if step in shown_steps} | fresh
    results = sorted([*ran, *kept], key=lambda r: r.id)
    carried = frozenset(metrics) - frozenset(fresh)
    return Evaluation(model, results, dict(sorted(metrics.items())), path, verdict, selection, carried)


def _not_run(model: str, gateway: ModelGateway | None, cases: Sequence[GoldenCase]) -> tuple[str, ...]:
    """The `replay_only` cases among `cases` that `run_cases` leaves out for any model but replay."""
    if model == REPLAY and gateway is None:
        return ()
    return tuple(case.id for case in cases if isinstance(case, ModelStepCase) and case.replay_only)


def _costed(results: list[CaseResult], cost_known: bool) -> list[CaseResult]:
    """The results, each cost None where the model has no price: the gateway counts it at 0, which is no price."""
    return results if cost_known else [result.model_copy(update={"cost": None}) for result in results]


def _merged(old: Baseline, new: Baseline, *, keep: set[str]) -> Baseline:
    """The new baseline, keeping the old entries of the cases in `keep` (the folder's) and steps not run this time.

    A case the folder no longer holds is dropped: kept, it would be named as gone on every later run. The
    tolerances are the old file's where it configures them (`old` is the file as it is when written).
    """
    cases = {case: passed for case, passed in old.cases.items() if case in keep} | new.cases
    hashes = {case: sha for case, sha in old.case_sha256.items() if case in keep} | new.case_sha256
    update = {"metrics": old.metrics | new.metrics, "tolerances": new.tolerances | old.tolerances}
    return new.model_copy(update={"cases": cases, "case_sha256": hashes, **update})


def gate_lines(evaluation: Evaluation) -> list[str]:
    """What the gate found, one line each, and every failing case by name.

    Flipped cases and new cases that fail (each with what it expected and what it got), metric drops, cases
    fixed since the baseline, the cases that fail as the baseline says they did, and the cases the model did not
    answer, with why.
    """
    verdict, lines = evaluation.verdict, []
    for flip in verdict.flips:
        lines += [f"flipped {flip.id}: {flip.before} -> {flip.after}", *_detail(flip)]
    for new in verdict.new_failures:
        lines += [f"new case failed {new.id} (the baseline does not know it)", *_detail(new)]
    for drop in verdict.drops:
        after = "none" if drop.after is None else f"{drop.after:.3f}"
        lines.append(
            f"metric {drop.step}.{drop.metric} dropped: {drop.before:.3f} -> {after} (tolerance {drop.tolerance})"
        )
    fixed = [change.id for change in verdict.changes if change.before == "failed" and change.after == "passed"]
    if fixed:
        lines.append(f"fixed since the baseline: {', '.join(fixed)}")
    changed = {change.id for change in verdict.changes} | set(verdict.unanswered)
    known = [result.id for result in evaluation.results if not result.passed and result.id not in changed]
    if known:
        lines.append(f"failing as in the baseline: {', '.join(known)}")
    if verdict.changed_inputs:
        lines.append(f"changed since the baseline: {', '.join(_as_changed(verdict))}")
    lines += [f"not measured {case.reason}" for case in verdict.unmeasured]
    if verdict.gone:
        lines.append(f"no longer in the goldens folder (the baseline has a result for them): {', '.join(verdict.gone)}")
    unanswered = [result for result in evaluation.results if result.unanswered is not None]
    return lines + [f"not answered {result.id}: {result.message}" for result in unanswered]


def _detail(change: Flip) -> list[str]:
    """A failing case's expectation, what it got, and its message, indented under its line."""
    lines = [f"  expected: {_compact(change.expected)}", f"  after:    {_compact(change.got)}"]
    return lines + [f"  {line}" for line in change.message.splitlines()]


def _compact(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def _as_changed(verdict: GateVerdict) -> list[str]:
    """Each changed input, marked when it is new since the baseline or no longer in force.

    A prompt's version bump shows as two refs (`extract_x@1`, `extract_x@2`): unmarked, both read as changed.
    """
    added, gone = set(verdict.inputs_added), set(verdict.inputs_gone)
    return [
        f"{name} (new)" if name in added else f"{name} (no longer in force)" if name in gone else name
        for name in verdict.changed_inputs
    ]
