"""The `documents` workflow: wiring only, built from the active document types.

parse -> mask -> classify -> route -> extract_<type> -> arbitrate_<type> -> validate_<type> -> route -> finalize
-> deliver,
with review as the one pause and code-owned routers deciding every branch.
"""

from __future__ import annotations

from collections.abc import Iterable

from langgraph.graph import END, START, StateGraph

from claimflow.nodes import (
    WorkflowContext,
    arbitrate_for,
    await_review_for,
    classify_for,
    deliver,
    extract_for,
    fail,
    finalize,
    mask,
    parse,
    prepare_review_for,
    reject,
    route_node,
    validate_for,
)
from claimflow.routing import names, router_targets, routers_for
from claimflow.state.schema import DocumentType, DocumentTypes
from claimflow.state.workflow import WorkflowState

WORKFLOW_NAME = "documents"

DocumentsGraph = StateGraph[WorkflowState, WorkflowContext, WorkflowState, WorkflowState]

ACTS_OUTSIDE: frozenset[str] = frozenset({names.DELIVER})
"""The nodes that act outside the run (a delivery): their writes are committed the moment they end, so that a
crash before the step's checkpoint does not make them act again (`claimflow.runtime.held_writes`)."""


def build_documents_workflow(types: Iterable[DocumentType]) -> DocumentsGraph:
    """Return the uncompiled documents workflow over `types`; callers compile it with the checkpointer they need."""
    active = types if isinstance(types, DocumentTypes) else DocumentTypes(types)
    graph = StateGraph(WorkflowState, context_schema=WorkflowContext)
    graph.add_node(names.PARSE, parse)
    graph.add_node(names.MASK, mask)
    graph.add_node(names.CLASSIFY, classify_for(active))
    for doc_type in active:
        graph.add_node(names.extract_node(doc_type.name), extract_for(doc_type))
        graph.add_node(names.arbitrate_node(doc_type.name), arbitrate_for(doc_type))
        graph.add_node(names.validate_node(doc_type.name), validate_for(doc_type))
        graph.add_edge(names.extract_node(doc_type.name), names.ROUTE_EXTRACTION)
        graph.add_edge(names.arbitrate_node(doc_type.name), names.validate_node(doc_type.name))
        graph.add_edge(names.validate_node(doc_type.name), names.ROUTE_VALIDATION)
    # Every router goes where it decided; its targets, computed from the types, are declared for the drawing.
    targets = router_targets(active.names)
    for router_name, router in routers_for(active).items():
        graph.add_node(
            router_name, route_node(router_name, router, targets[router_name]), destinations=targets[router_name]
        )
    graph.add_node(names.PREPARE_REVIEW, prepare_review_for(active))
    graph.add_node(names.AWAIT_REVIEW, await_review_for(active))
    graph.add_node(names.FINALIZE, finalize)
    graph.add_node(names.DELIVER, deliver)
    graph.add_node(names.REJECT, reject)
    graph.add_node(names.FAIL, fail)

    graph.add_edge(START, names.PARSE)
    graph.add_edge(names.PARSE, names.ROUTE_PARSE)
    graph.add_edge(names.MASK, names.CLASSIFY)
    graph.add_edge(names.CLASSIFY, names.ROUTE_TYPE)
    graph.add_edge(names.PREPARE_REVIEW, names.AWAIT_REVIEW)
    graph.add_edge(names.AWAIT_REVIEW, names.ROUTE_REVIEW)
    # Always wired: without a configured target the step does nothing, so configuring delivery keeps the
    # workflow version (and runs started before it can be continued with it).
    graph.add_edge(names.FINALIZE, names.DELIVER)
    graph.add_edge(names.DELIVER, END)
    graph.add_edge(names.REJECT, END)
    graph.add_edge(names.FAIL, END)
    return graph
