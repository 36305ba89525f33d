"""Thin LangGraph nodes: read state, call a model or tool, apply the claim, return a validated update."""

from claimflow.nodes.arbitrate import arbitrate_for
from claimflow.nodes.classify import classify_for
from claimflow.nodes.deliver import deliver
from claimflow.nodes.extract import extract_for
from claimflow.nodes.finalize import fail, finalize, reject
from claimflow.nodes.mask import mask
from claimflow.nodes.parse import parse
from claimflow.nodes.ports import (
    Deliverer,
    DeliveryFailedError,
    DocumentStore,
    DocumentUnreadableError,
    ModelBudgetSpentError,
    ModelGateway,
    ModelInput,
    ModelResult,
    ModelUnavailableError,
    ParsedText,
    Parser,
    RecordIndex,
    Usage,
    WorkflowContext,
)
from claimflow.nodes.review import await_review_for, prepare_review_for
from claimflow.nodes.route import route_node
from claimflow.nodes.validate import validate_for

__all__ = [
    "Deliverer",
    "DeliveryFailedError",
    "DocumentStore",
    "DocumentUnreadableError",
    "ModelBudgetSpentError",
    "ModelGateway",
    "ModelInput",
    "ModelResult",
    "ModelUnavailableError",
    "ParsedText",
    "Parser",
    "RecordIndex",
    "Usage",
    "WorkflowContext",
    "arbitrate_for",
    "await_review_for",
    "classify_for",
    "deliver",
    "extract_for",
    "fail",
    "finalize",
    "mask",
    "parse",
    "prepare_review_for",
    "reject",
    "route_node",
    "validate_for",
]
