"""Thin LangGraph nodes: read state, call a model or tool, apply the claim, return a validated update."""

from claimflow.nodes.arbitrate import arbitrate_for
from claimflow.nodes.classify import classify
from claimflow.nodes.extract import extract_for
from claimflow.nodes.finalize import fail, finalize, reject
from claimflow.nodes.mask import mask
from claimflow.nodes.parse import parse
from claimflow.nodes.ports import (
    DocumentStore,
    DocumentUnreadableError,
    InvoiceIndex,
    ModelGateway,
    ModelInput,
    ModelResult,
    ModelUnavailableError,
    Parser,
    Usage,
    WorkflowContext,
)
from claimflow.nodes.review import await_review, prepare_review
from claimflow.nodes.route import route_node
from claimflow.nodes.validate import validate_for

__all__ = [
    "DocumentStore",
    "DocumentUnreadableError",
    "InvoiceIndex",
    "ModelGateway",
    "ModelInput",
    "ModelResult",
    "ModelUnavailableError",
    "Parser",
    "Usage",
    "WorkflowContext",
    "arbitrate_for",
    "await_review",
    "classify",
    "extract_for",
    "fail",
    "finalize",
    "mask",
    "parse",
    "prepare_review",
    "reject",
    "route_node",
    "validate_for",
]
