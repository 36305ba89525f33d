"""The shared part of every model node: budget check, masked input in, claim or errors out, usage recorded.

Every call is a `model.called` event and counts in the run's usage, failed or not: a call that fails outside
the output (`ModelUnavailableError`: rate limits, 5xx, timeouts after the gateway's retries) comes back as a
`StepCall` with its `failure`, which the node writes to `state.error`; the router after the step sends the run
to `fail` with rule `model_unavailable`. A call is given the model seconds the run has left (shared equally by
calls sent at once); one the gateway ended when they ran out (`ModelBudgetSpentError`) stops the run as a spent
budget does, with a `budget.exceeded` event, not as a failed model.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Generic

from claimflow.nodes.ports import (
    ClaimT,
    ModelBudgetSpentError,
    ModelGateway,
    ModelInput,
    ModelResult,
    ModelUnavailableError,
    Usage,
    WorkflowContext,
)
from claimflow.prompts import PromptSpec
from claimflow.state.budget import UsageTotals, budget_exhausted, model_seconds_left, model_time_used
from claimflow.state.documents import SourceText
from claimflow.state.events import Event, event
from claimflow.state.masking import Replacement
from claimflow.state.redaction import redact
from claimflow.state.schema import DocumentType
from claimflow.state.workflow import Patch, WorkflowState


@dataclass(frozen=True)
class StepCall(Generic[ClaimT]):
    """One model call of a step: its result, which attempt it was, and its usage event."""

    source: str
    result: ModelResult[ClaimT]
    attempt: int
    masked: SourceText
    replacements: tuple[Replacement, ...]
    usage_event: Event
    failure: str | None = None
    """Why the call failed outside the output (`ModelUnavailableError: ...`), when it did; the claim is None."""
    budget_spent: bool = False
    """The call was ended when the run's model seconds ran out: its `failure` stops the run as a spent budget."""


@dataclass(frozen=True)
class ModelView:
    """What the model sees (the masked pages) and the map back to the source; loaded once per step."""

    masked: SourceText
    replacements: tuple[Replacement, ...]


async def load_model_view(state: WorkflowState, context: WorkflowContext, step: str) -> ModelView:
    """The masked pages and their placeholder map, from the store."""
    if state.masked is None:
        raise RuntimeError(f"{step} ran before mask produced the model's view of the text")
    raw = json.loads(await context.store.load_blob(state.masked.mapping_id))
    replacements = tuple(Replacement.model_validate(item) for item in raw)
    return ModelView(await context.store.load_text(state.masked.text), replacements)


def budget_stop(state: WorkflowState, step: str, *, calls: int = 1) -> Patch | None:
    """A patch that stops the run's model use, when the budget does not allow the step's `calls` calls."""
    reason = budget_exhausted(state.policy.budget, state.usage, calls=calls)
    if reason is None:
        return None
    return _exceeded(state, step, reason, state.usage)


def _exceeded(state: WorkflowState, step: str, reason: str, usage: UsageTotals) -> Patch:
    exceeded = event(
        "budget.exceeded", step, reason=reason, usage=usage.model_dump(), budget=state.policy.budget.model_dump()
    )
    return Patch(budget_stop=reason, events=[exceeded])


def budget_spent(state: WorkflowState, step: str, calls: list[StepCall[ClaimT]], usage: UsageTotals) -> Patch | None:
    """The patch that stops the run at its budget when a call was ended as its model seconds ran out; else None.

    `usage` is the run's totals with these calls counted: what the `budget.exceeded` event reports.
    """
    if not any(call.budget_spent for call in calls):
        return None
    budget = state.policy.budget
    # A call ran until the time left was spent, so the totals are at the limit, unless calls sent at once shared
    # that time and another finished early: then this call's share was what ran out.
    reason = budget_exhausted(budget, usage) or (
        f"a call ran out of its share of the model time left: {model_time_used(budget, usage)}"
    )
    return _exceeded(state, step, reason, usage)


def add_usage(totals: UsageTotals, calls: list[StepCall[ClaimT]]) -> UsageTotals:
    """Run totals after these calls."""
    for call in calls:
        usage = call.result.usage
        totals = totals.plus(
            input_tokens=usage.input_tokens,
            output_tokens=usage.output_tokens,
            cost=usage.cost,
            latency_ms=usage.latency_ms,
        )
    return totals


async def call_model(
    state: WorkflowState,
    context: WorkflowContext,
    prompt: PromptSpec[ClaimT],
    view: ModelView,
    *,
    step: str,
    doc_type: DocumentType | None = None,
    types: tuple[DocumentType, ...] = (),
    gateway: ModelGateway | None = None,
    source: str = "primary",
    at_once: int = 1,
) -> StepCall[ClaimT]:
    """Call a gateway on the masked pages, feeding back the last attempt's validation errors.

    `at_once` is how many calls the step sends together: they share the model seconds the run has left, since
    each one's time counts in full.
    """
    gateway = gateway or context.gateway
    previous = state.step_errors.get(step)
    feedback = tuple(previous.errors) if previous else ()
    attempt = state.attempts.get(step, 0) + 1
    left = model_seconds_left(state.policy.budget, state.usage)
    request = ModelInput(
        pages=view.masked.pages,
        doc_type=doc_type,
        types=types,
        feedback=feedback,
        seconds_left=None if left is None else left / at_once,
    )
    result, failure, spent = await _complete(gateway, prompt, request)
    usage = result.usage
    usage_event = event(
        "model.called",
        step,
        source=source,
        attempt=attempt,
        model=usage.model,
        prompt=usage.prompt,
        prompt_hash=usage.prompt_hash,
        input_tokens=usage.input_tokens,
        output_tokens=usage.output_tokens,
        cost=usage.cost,
        latency_ms=usage.latency_ms,
        transport_attempts=usage.attempts,
        valid=result.claim is not None,
        validation_errors=result.errors,
        retried_with_feedback=bool(feedback),
        **({"tokens_estimated": True} if usage.tokens_estimated else {}),
        **({"error": failure} if failure is not None else {}),
        **({"recording": result.recording} if result.recording is not None else {}),
        **({"recording_verified": result.verified} if result.verified is not None else {}),
    )
    return StepCall(source, result, attempt, view.masked, view.replacements, usage_event, failure, spent)


async def _complete(
    gateway: ModelGateway, prompt: PromptSpec[ClaimT], request: ModelInput
) -> tuple[ModelResult[ClaimT], str | None, bool]:
    """The gateway's result, or a result with no claim and the failure of a call that did not get an answer.

    The flag says the failure was the run's model seconds running out.
    """
    started = time.perf_counter()
    try:
        return await gateway.complete(prompt, request), None, False
    except ModelUnavailableError as error:
        usage = error.usage or Usage(
            model=gateway.name,
            prompt=prompt.ref,
            prompt_hash=prompt.content_hash,
            latency_ms=round((time.perf_counter() - started) * 1000, 3),
        )
        # The text the engine failed the run with when this error escaped the node: messages stay as they were,
        # but for the secrets of the server's URL, which SDK errors carry.
        failure = redact(f"{type(error).__name__}: {error}")
        return ModelResult(claim=None, usage=usage), failure, isinstance(error, ModelBudgetSpentError)


def model_failure(calls: list[StepCall[ClaimT]]) -> Patch | None:
    """The patch that fails the run (through its router) when a call got no answer; None when all did.

    A call the run's budget ended is not a failure of the model: `budget_spent` stops the run for it.
    """
    failure = next((call.failure for call in calls if call.failure is not None and not call.budget_spent), None)
    return None if failure is None else Patch(error=failure)
