"""Every node name of the documents workflow, in one place, with the targets each router may choose."""

from __future__ import annotations

from typing import Final, Literal

from claimflow.state.fields import DocType

PARSE: Final = "parse"
MASK: Final = "mask"
CLASSIFY: Final = "classify"
ROUTE_PARSE: Final = "route_parse"
ROUTE_TYPE: Final = "route_type"
EXTRACT_INVOICE: Final = "extract_invoice"
EXTRACT_RECEIPT: Final = "extract_receipt"
EXTRACT_CONTRACT: Final = "extract_contract"
ROUTE_EXTRACTION: Final = "route_extraction"
ARBITRATE_INVOICE: Final = "arbitrate_invoice"
ARBITRATE_RECEIPT: Final = "arbitrate_receipt"
ARBITRATE_CONTRACT: Final = "arbitrate_contract"
VALIDATE_INVOICE: Final = "validate_invoice"
VALIDATE_RECEIPT: Final = "validate_receipt"
VALIDATE_CONTRACT: Final = "validate_contract"
ROUTE_VALIDATION: Final = "route_validation"
PREPARE_REVIEW: Final = "prepare_review"
AWAIT_REVIEW: Final = "await_review"
ROUTE_REVIEW: Final = "route_review"
FINALIZE: Final = "finalize"
REJECT: Final = "reject"
FAIL: Final = "fail"

ExtractNode = Literal["extract_invoice", "extract_receipt", "extract_contract"]
ValidateNode = Literal["validate_invoice", "validate_receipt", "validate_contract"]
ArbitrateNode = Literal["arbitrate_invoice", "arbitrate_receipt", "arbitrate_contract"]

AfterParse = Literal["mask", "fail"]
AfterClassify = Literal["extract_invoice", "extract_receipt", "extract_contract", "classify", "prepare_review", "fail"]
AfterExtract = Literal[
    "arbitrate_invoice",
    "arbitrate_receipt",
    "arbitrate_contract",
    "extract_invoice",
    "extract_receipt",
    "extract_contract",
    "prepare_review",
    "fail",
]
AfterValidate = Literal["finalize", "prepare_review", "fail"]
AfterReview = Literal[
    "finalize",
    "reject",
    "extract_invoice",
    "extract_receipt",
    "extract_contract",
    "validate_invoice",
    "validate_receipt",
    "validate_contract",
]


def extract_node(doc_type: DocType) -> ExtractNode:
    """The extraction node of a document type."""
    nodes: dict[DocType, ExtractNode] = {
        "invoice": "extract_invoice",
        "receipt": "extract_receipt",
        "contract": "extract_contract",
    }
    return nodes[doc_type]


def arbitrate_node(doc_type: DocType) -> ArbitrateNode:
    """The arbitration node of a document type."""
    nodes: dict[DocType, ArbitrateNode] = {
        "invoice": "arbitrate_invoice",
        "receipt": "arbitrate_receipt",
        "contract": "arbitrate_contract",
    }
    return nodes[doc_type]


def validate_node(doc_type: DocType) -> ValidateNode:
    """The validation node of a document type."""
    nodes: dict[DocType, ValidateNode] = {
        "invoice": "validate_invoice",
        "receipt": "validate_receipt",
        "contract": "validate_contract",
    }
    return nodes[doc_type]
