"""validate_<type>: business rules over the accepted fields. Code only, no model."""

from __future__ import annotations

from claimflow.nodes._step import Node, step
from claimflow.nodes.ports import WorkflowContext
from claimflow.routing.names import validate_node
from claimflow.state.events import event
from claimflow.state.fields import DocType
from claimflow.state.rules import validate_document
from claimflow.state.workflow import Patch, WorkflowState


def _duplicates(state: WorkflowState, context: WorkflowContext) -> list[str]:
    vendor, number = state.fields.get("vendor_name"), state.fields.get("invoice_number")
    if vendor is None or number is None or not isinstance(vendor.value, str) or not isinstance(number.value, str):
        return []
    return context.invoices.runs_with_invoice(vendor.value, number.value, exclude_run=state.run_id)


def validate_for(doc_type: DocType) -> Node:
    """The validation node of one document type."""
    name = validate_node(doc_type)

    @step(name)
    async def validate(state: WorkflowState, context: WorkflowContext) -> Patch:
        duplicates = _duplicates(state, context) if doc_type == "invoice" else []
        results = validate_document(
            doc_type,
            state.fields,
            state.line_items,
            state.policy,
            today=context.today(),
            duplicate_runs=duplicates,
        )
        events = [
            event("rule.checked", name, rule=r.rule, passed=r.passed, message=r.message, fields=r.fields)
            for r in results
        ]
        return Patch(rule_results=results, events=events)

    return validate
