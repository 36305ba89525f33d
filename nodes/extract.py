"""extract_<type>: one or two extractors claim field values with evidence; arbitrate_<type> applies them."""

from __future__ import annotations

import asyncio

from claimflow.nodes._model_step import (
    StepCall,
    add_usage,
    budget_spent,
    budget_stop,
    call_model,
    load_model_view,
    model_failure,
)
from claimflow.nodes._step import Node, step
from claimflow.nodes.ports import ModelGateway, WorkflowContext
from claimflow.prompts import extract_prompt
from claimflow.routing.names import extract_node
from claimflow.state.apply import apply_invalid_output, clear_step_errors
from claimflow.state.apply.unmask import unmask_extraction
from claimflow.state.claims import ExtractionClaim
from claimflow.state.events import event
from claimflow.state.schema import DocumentType
from claimflow.state.workflow import Candidate, Patch, WorkflowState


def _extractors(context: WorkflowContext) -> list[tuple[str, ModelGateway]]:
    found = [("primary", context.gateway)]
    if context.second_gateway is not None:
        found.append(("second", context.second_gateway))
    return found


def _candidates(name: str, calls: list[StepCall[ExtractionClaim]]) -> Patch:
    candidates: list[Candidate] = []
    events = []
    for call in calls:
        claim = call.result.claim
        if claim is None:
            # With two extractors, one invalid answer is not retried: the other is arbitrated alone.
            events.append(event("claim.rejected", name, source=call.source, reasons=call.result.errors))
            continue
        claim, restored = unmask_extraction(claim, call.masked, call.replacements)
        candidates.append(
            Candidate(source=call.source, model=call.result.usage.model, attempt=call.attempt, claim=claim)
        )
        if restored:
            events.append(event("pii.unmasked", name, source=call.source, placeholders=restored))
    return Patch(candidates=candidates, events=events)


def extract_for(doc_type: DocumentType) -> Node:
    """The extraction node of one document type."""
    name = extract_node(doc_type.name)
    prompt = extract_prompt(doc_type)

    @step(name)
    async def extract(state: WorkflowState, context: WorkflowContext) -> Patch:
        extractors = _extractors(context)
        # Both extractors are sent at once, so the call budget must allow both before either starts.
        if stopped := budget_stop(state, name, calls=len(extractors)):
            return stopped
        view = await load_model_view(state, context, name)
        # Two extractors run concurrently: the step takes as long as the slower one, not the sum.
        calls: list[StepCall[ExtractionClaim]] = list(
            await asyncio.gather(
                *(
                    call_model(
                        state,
                        context,
                        prompt,
                        view,
                        step=name,
                        doc_type=doc_type,
                        gateway=gateway,
                        source=label,
                        at_once=len(extractors),
                    )  # fmt: skip
                    for label, gateway in extractors
                )
            )
        )
        attempt = calls[0].attempt
        usage = add_usage(state.usage, calls)
        counted = Patch(
            attempts={**state.attempts, name: attempt},
            usage=usage,
            events=[call.usage_event for call in calls],
        )
        # Either extractor without an answer fails the run, as before; both calls are counted. One the budget ended
        # stops the run at its budget instead.
        if stopped := model_failure(calls) or budget_spent(state, name, calls, usage):
            return counted.merged(stopped)
        if all(call.result.claim is None for call in calls):
            errors = [error for call in calls for error in call.result.errors]
            return counted.merged(apply_invalid_output(state, step=name, attempt=attempt, errors=errors))
        return counted.merged(Patch(step_errors=clear_step_errors(state, name))).merged(_candidates(name, calls))

    return extract
