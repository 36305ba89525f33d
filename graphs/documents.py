"""The `documents` workflow: wiring only.

parse -> mask -> classify -> route -> extract_<type> -> validate_<type> -> route -> finalize,
with review as the one pause and code-owned routers deciding every branch.
"""

from __future__ import annotations

from typing import Any, get_args

from langgraph.graph import END, START, StateGraph

from claimflow.nodes import (
    WorkflowContext,
    arbitrate_for,
    await_review,
    classify,
    extract_for,
    fail,
    finalize,
    mask,
    parse,
    prepare_review,
    reject,
    route_node,
    validate_for,
)
from claimflow.routing import names, recorded_target
from claimflow.routing.names import AfterClassify, AfterExtract, AfterParse, AfterReview, AfterValidate
from claimflow.routing.routers import ROUTERS
from claimflow.state.fields import DOC_TYPES
from claimflow.state.workflow import WorkflowState

WORKFLOW_NAME = "documents"


def _follow(router: str, targets: Any) -> tuple[Any, list[str]]:
    def follow(state: WorkflowState) -> str:
        return recorded_target(state, router, targets)

    follow.__name__ = f"follow_{router}"
    return follow, list(get_args(targets))


def build_documents_workflow() -> StateGraph[WorkflowState, WorkflowContext, WorkflowState, WorkflowState]:
    """Return the uncompiled documents workflow; callers compile it with the checkpointer they need."""
    graph = StateGraph(WorkflowState, context_schema=WorkflowContext)
    graph.add_node(names.PARSE, parse)
    graph.add_node(names.MASK, mask)
    graph.add_node(names.CLASSIFY, classify)
    for doc_type in DOC_TYPES:
        graph.add_node(names.extract_node(doc_type), extract_for(doc_type))
        graph.add_node(names.arbitrate_node(doc_type), arbitrate_for(doc_type))
        graph.add_node(names.validate_node(doc_type), validate_for(doc_type))
        graph.add_edge(names.arbitrate_node(doc_type), names.validate_node(doc_type))
        graph.add_edge(names.validate_node(doc_type), names.ROUTE_VALIDATION)
        graph.add_edge(names.extract_node(doc_type), names.ROUTE_EXTRACTION)
    for router_name, router in ROUTERS.items():
        graph.add_node(router_name, route_node(router_name, router))
    graph.add_node(names.PREPARE_REVIEW, prepare_review)
    graph.add_node(names.AWAIT_REVIEW, await_review)
    graph.add_node(names.FINALIZE, finalize)
    graph.add_node(names.REJECT, reject)
    graph.add_node(names.FAIL, fail)

    graph.add_edge(START, names.PARSE)
    graph.add_edge(names.PARSE, names.ROUTE_PARSE)
    graph.add_conditional_edges(names.ROUTE_PARSE, *_follow(names.ROUTE_PARSE, AfterParse))
    graph.add_edge(names.MASK, names.CLASSIFY)
    graph.add_edge(names.CLASSIFY, names.ROUTE_TYPE)
    graph.add_conditional_edges(names.ROUTE_TYPE, *_follow(names.ROUTE_TYPE, AfterClassify))
    graph.add_conditional_edges(names.ROUTE_EXTRACTION, *_follow(names.ROUTE_EXTRACTION, AfterExtract))
    graph.add_conditional_edges(names.ROUTE_VALIDATION, *_follow(names.ROUTE_VALIDATION, AfterValidate))
    graph.add_edge(names.PREPARE_REVIEW, names.AWAIT_REVIEW)
    graph.add_edge(names.AWAIT_REVIEW, names.ROUTE_REVIEW)
    graph.add_conditional_edges(names.ROUTE_REVIEW, *_follow(names.ROUTE_REVIEW, AfterReview))
    graph.add_edge(names.FINALIZE, END)
    graph.add_edge(names.REJECT, END)
    graph.add_edge(names.FAIL, END)
    return graph
