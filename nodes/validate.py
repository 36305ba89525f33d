"""validate_<type>: the common rules and the type's own rules over the accepted fields. Code only, no model."""

from __future__ import annotations

from claimflow.nodes._step import Node, step
from claimflow.nodes.ports import WorkflowContext
from claimflow.routing.names import validate_node
from claimflow.state.events import event
from claimflow.state.rules import validate_document
from claimflow.state.schema import DocumentType
from claimflow.state.workflow import Patch, WorkflowState


def _own_rules(doc_type: DocumentType) -> bool:
    """Whether every rule of the type is claimflow's own code (the built-in types' rules)."""
    return all(getattr(item.function, "__module__", "").partition(".")[0] == "claimflow" for item in doc_type.rules)


def validate_for(doc_type: DocumentType) -> Node:
    """The validation node of one document type."""
    name = validate_node(doc_type.name)
    # claimflow's own rules judge a few values in well under a millisecond: in place. A user's rule is code no
    # size bounds: on a thread, so a slow or stuck one leaves the loop free to end its document at its wall time.
    size = 0 if _own_rules(doc_type) else None

    @step(name)
    async def validate(state: WorkflowState, context: WorkflowContext) -> Patch:
        key = doc_type.key_of(state.fields)
        # A type with a key holds it, or lets go of the one it held when its fields no longer make one.
        earlier = (
            await context.records.claim_key(doc_type.name, key, run_id=state.run_id) if doc_type.duplicate_key else []
        )
        results = await context.offload(
            size,
            validate_document,
            doc_type,
            state.fields,
            state.tables,
            state.policy,
            today=context.today(),
            earlier_runs=tuple(earlier),
        )
        events = [
            event("rule.checked", name, rule=r.rule, passed=r.passed, message=r.message, fields=r.fields)
            for r in results
        ]
        return Patch(rule_results=results, events=events)

    return validate
