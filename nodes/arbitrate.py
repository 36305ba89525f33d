"""arbitrate_<type>: apply the extractors' claims by deterministic authority rules (code, no model)."""

from __future__ import annotations

from claimflow.nodes._step import Node, step
from claimflow.nodes.ports import WorkflowContext
from claimflow.routing.names import arbitrate_node, extract_node
from claimflow.state.apply.extraction import arbitrate
from claimflow.state.events import event
from claimflow.state.schema import DocumentType
from claimflow.state.workflow import Patch, WorkflowState


def arbitrate_for(doc_type: DocumentType) -> Node:
    """The arbitration node of one document type."""
    name = arbitrate_node(doc_type.name)

    @step(name)
    async def arbitrate_claims(state: WorkflowState, context: WorkflowContext) -> Patch:
        if state.text is None:
            raise RuntimeError(f"{name} ran on a run without text")
        source = await context.store.load_text(state.text)
        # Every claim's quote is looked for in the whole text: CPU work, off the event loop unless the text is short.
        patch = await context.offload(
            state.text.char_count, arbitrate, doc_type, state.candidates, source, step=extract_node(doc_type.name)
        )
        fields = patch.fields or {}
        decided = event(
            "arbitration.decided",
            name,
            candidates=[f"{c.source}:{c.model}" for c in state.candidates],
            agreed=sorted(n for n, f in fields.items() if any(r.startswith("agreed by") for r in f.reasons)),
            conflicts=sorted(n for n, f in fields.items() if any(r.startswith("conflicting") for r in f.reasons)),
        )
        # The candidates are applied now: they leave state (the claims' events keep them).
        return patch.merged(Patch(candidates=[], events=[decided]))

    return arbitrate_claims
