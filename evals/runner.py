"""Run golden cases, one runner per kind, and gate regressions against a committed baseline.

Apply, router, rule and review cases call the deterministic functions directly. Model-step cases run
their step's claim through apply and routing: the recorded claim by default ("replay", offline), or a
fresh one from a backend (e.g. "rules"), which is what catches a prompt or model change. Document cases
run a generated file through the engine with the `rules` backend whatever the backend.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path

from claimflow.evals.baseline import load_baseline
from claimflow.evals.builtin import builtin_workflow_types
from claimflow.evals.golden import ApplyCase, DocumentCase, GoldenCase, ModelStepCase, ReviewCase, RouterCase, RuleCase
from claimflow.evals.result import CaseResult, result
from claimflow.evals.run_model import evaluate, live_claim
from claimflow.evals.run_pure import run_apply, run_review, run_router, run_rule
from claimflow.evals.unanswered import unanswered_result
from claimflow.nodes.ports import ModelGateway, ModelUnavailableError
from claimflow.runtime.gateway import make_gateway
from claimflow.state.errors import OfflineHookError, RuleFailedError
from claimflow.state.schema import DocumentTypes
from claimflow.state.user_code import failure_text

REPLAY = "replay"
"""The offline backend: each model-step case's recorded claim."""


async def _run_model_step(case: ModelStepCase, gateway: ModelGateway | None, types: DocumentTypes) -> CaseResult:
    if gateway is None:
        return evaluate(case, case.recorded_claim, types=types)
    try:
        claim, prompt, usage, errors = await live_claim(case, gateway, types)
    except ModelUnavailableError as error:
        # One case the model did not answer (a timeout, a 5xx past the retries) fails alone: the others' results
        # stand. Whether the model answered nothing at all, a setup error, `evaluate_goldens` decides.
        return unanswered_result(case, error)
    spent = {"input_tokens": usage.input_tokens, "output_tokens": usage.output_tokens, "cost": usage.cost,
             "latency_ms": usage.latency_ms}  # fmt: skip
    if claim is None:
        # A model's output that is no claim fails the case (a prompt can cause it); the report shows the case's
        # expectation against why the output was refused, not two nulls.
        why = errors or ["no claim in the output"]
        problems = ["the backend returned invalid output: " + "\n".join(why)]
        expected = case.expected.model_dump(exclude_defaults=True)
        return result(case.id, case.kind, case.step, expected, {"invalid_output": why}, problems, prompt=prompt,
                      **spent)  # fmt: skip
    return evaluate(case, claim, prompt, types=types).model_copy(update=spent)


async def run_case_async(
    case: GoldenCase, gateway: ModelGateway | None = None, types: DocumentTypes | None = None
) -> CaseResult:
    """Run one case; `gateway` answers model steps (None replays the recorded claim); `types` as in `run_cases`."""
    types = builtin_workflow_types() if types is None else types
    try:
        match case:
            case ModelStepCase():
                return await _run_model_step(case, gateway, types)
            case ApplyCase():
                return run_apply(case, types)
            case RouterCase():
                return run_router(case, types)
            case RuleCase():
                return run_rule(case, types)
            case ReviewCase():
                return run_review(case, types)
            case DocumentCase():
                # The engine (LangGraph, parsers) loads only when a document case runs: `--changed` after a prompt
                # edit runs none, and starts in a fraction of the time.
                from claimflow.evals.run_document import run_document

                return await run_document(case, types)
    except (RuleFailedError, OfflineHookError) as error:
        # A type's own rule or offline hook that raised fails its case alone, saying where, as it fails a run's
        # document; it ended the whole eval with a traceback, read by the gate as a regression.
        failure = failure_text(error)
        expected = case.expected
        wanted = [item.model_dump() for item in expected] if isinstance(expected, list) else expected.model_dump()
        return result(case.id, case.kind, case.step, wanted, {"raised": failure}, [failure])


def run_case(
    case: GoldenCase, backend: str | ModelGateway = REPLAY, *, types: DocumentTypes | None = None
) -> CaseResult:
    """Run one case (see `run_cases`)."""
    return run_cases([case], backend=backend, types=types)[0]


def run_cases(
    cases: Sequence[GoldenCase],
    backend: str | ModelGateway = REPLAY,
    *,
    concurrency: int = 1,
    types: DocumentTypes | None = None,
) -> list[CaseResult]:
    """Run every case, in order, and return one result each.

    Args:
        cases: The cases, e.g. `load_goldens()`.
        backend: What answers model steps: "replay" (each case's recorded claim), a `--model` value such as
            "rules", or a gateway. With a live backend, cases whose recorded claim is deliberately wrong
            (`replay_only`) are left out.
        concurrency: Cases run at once (a live model's calls overlap); results keep the cases' order.
        types: The active document types cases are judged against: the built-in ones by default, or what
            `claimflow.load_types().types` finds for a user's own (`claimflow eval` passes the discovered ones).
    """
    active = builtin_workflow_types() if types is None else types
    if isinstance(backend, str):
        live = None if backend == REPLAY else make_gateway(backend)
    else:
        live = backend
    chosen = [case for case in cases if live is None or not (isinstance(case, ModelStepCase) and case.replay_only)]

    async def run_all() -> list[CaseResult]:
        slots = asyncio.Semaphore(max(1, concurrency))

        async def one(case: GoldenCase) -> CaseResult:
            async with slots:
                return await run_case_async(case, live, active)

        return list(await asyncio.gather(*(one(case) for case in chosen)))

    return asyncio.run(run_all())


def regressions(results: Sequence[CaseResult], baseline_path: Path) -> list[str]:
    """Ids of cases that passed in the committed baseline and fail now."""
    cases = load_baseline(baseline_path, REPLAY).cases
    return [r.id for r in results if cases.get(r.id) is True and not r.passed]
