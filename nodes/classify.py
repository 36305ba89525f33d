"""classify: the model claims one of the active document types; apply accepts or rejects it."""

from __future__ import annotations

from claimflow.nodes._model_step import (
    add_usage,
    budget_spent,
    budget_stop,
    call_model,
    load_model_view,
    model_failure,
)
from claimflow.nodes._step import Node, step
from claimflow.nodes.ports import WorkflowContext
from claimflow.prompts import CLASSIFY
from claimflow.routing.names import CLASSIFY as STEP
from claimflow.state.apply import apply_classification, apply_invalid_output, clear_step_errors
from claimflow.state.apply.unmask import unmask_classification
from claimflow.state.events import event
from claimflow.state.schema import DocumentTypes
from claimflow.state.workflow import Patch, WorkflowState


def classify_for(types: DocumentTypes) -> Node:
    """The classification node of a workflow over `types`."""
    choices = tuple(types)

    @step(STEP)
    async def classify(state: WorkflowState, context: WorkflowContext) -> Patch:
        """Ask for a ClassificationClaim (within budget) and apply it against the source text."""
        if stopped := budget_stop(state, STEP):
            return stopped
        view = await load_model_view(state, context, STEP)
        call = await call_model(state, context, CLASSIFY, view, step=STEP, types=choices)
        usage = add_usage(state.usage, [call])
        counted = Patch(
            attempts={**state.attempts, STEP: call.attempt},
            usage=usage,
            events=[call.usage_event],
        )
        if stopped := model_failure([call]) or budget_spent(state, STEP, [call], usage):
            return counted.merged(stopped)
        claim = call.result.claim
        if claim is None:
            errors = call.result.errors
            return counted.merged(apply_invalid_output(state, step=STEP, attempt=call.attempt, errors=errors))
        claim, restored = unmask_classification(claim, call.masked, call.replacements)
        if state.text is None:
            raise RuntimeError("classify ran before parse produced text")
        source = await context.store.load_text(state.text)
        # Locating quotes reads every page: off the event loop unless the text is short, like the other checks.
        applied = await context.offload(
            state.text.char_count,
            apply_classification,
            claim,
            source,
            types=types,
            step=STEP,
            claim_id=f"{STEP}#{call.attempt}",
        )
        patch = counted.merged(Patch(step_errors=clear_step_errors(state, STEP))).merged(applied)
        if restored:
            patch = patch.merged(Patch(events=[event("pii.unmasked", STEP, placeholders=restored)]))
        return patch

    return classify
