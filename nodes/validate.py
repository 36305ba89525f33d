"""validate_<type>: the common rules and the type's own rules over the accepted fields. Code only, no model."""

from __future__ import annotations

from claimflow.nodes._step import Node, step
from claimflow.nodes.ports import WorkflowContext
from claimflow.routing.names import validate_node
from claimflow.state.events import event
from claimflow.state.rules import validate_document
from claimflow.state.schema import DocumentType
from claimflow.state.workflow import Patch, WorkflowState


def validate_for(doc_type: DocumentType) -> Node:
    """The validation node of one document type."""
    name = validate_node(doc_type.name)

    @step(name)
    async def validate(state: WorkflowState, context: WorkflowContext) -> Patch:
        key = doc_type.key_of(state.fields)
        earlier = await context.records.runs_with_key(doc_type.name, key, exclude_run=state.run_id) if key else []
        results = validate_document(
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
