"""extract_<type>: the model claims field values with evidence; apply checks each one."""

from __future__ import annotations

from typing import Any

from nodes._model_step import call_model
from nodes._step import Node, step
from nodes.ports import WorkflowContext
from prompts import EXTRACT_CONTRACT, EXTRACT_INVOICE, EXTRACT_RECEIPT, PromptSpec
from routing.names import extract_node
from state.apply import apply_extraction, apply_invalid_output, clear_step_errors
from state.apply.unmask import unmask_extraction
from state.events import event
from state.fields import DocType
from state.workflow import Patch, WorkflowState

PROMPTS: dict[DocType, PromptSpec[Any]] = {
    "invoice": EXTRACT_INVOICE,
    "receipt": EXTRACT_RECEIPT,
    "contract": EXTRACT_CONTRACT,
}


def extract_for(doc_type: DocType) -> Node:
    """The extraction node of one document type."""
    name = extract_node(doc_type)
    prompt = PROMPTS[doc_type]

    @step(name)
    async def extract(state: WorkflowState, context: WorkflowContext) -> Patch:
        call = await call_model(state, context, prompt, step=name, doc_type=doc_type)
        counted = Patch(attempts={**state.attempts, name: call.attempt}, events=[call.usage_event])
        claim = call.result.claim
        if claim is None:
            invalid = apply_invalid_output(state, step=name, attempt=call.attempt, errors=call.result.errors)
            return counted.merged(invalid)
        claim, restored = unmask_extraction(claim, call.masked, call.replacements)
        if state.text is None:
            raise RuntimeError(f"{name} ran before parse produced text")
        source = context.store.load_text(state.text)
        applied = apply_extraction(doc_type, claim, source, step=name, attempt=call.attempt)
        patch = counted.merged(Patch(step_errors=clear_step_errors(state, name))).merged(applied)
        if restored:
            patch = patch.merged(Patch(events=[event("pii.unmasked", name, placeholders=restored)]))
        return patch

    return extract
