"""Thin LangGraph nodes: read state, call a model or tool, apply the claim, return a validated update."""

from nodes.arbitrate import arbitrate_for
from nodes.classify import classify
from nodes.extract import extract_for
from nodes.finalize import fail, finalize, reject
from nodes.mask import mask
from nodes.parse import parse
from nodes.ports import (
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
from nodes.review import await_review, prepare_review
from nodes.route import route_node
from nodes.validate import validate_for

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
