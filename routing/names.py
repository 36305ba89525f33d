"""Every node name of the documents workflow, in one place, with the targets each router may choose.

The fixed nodes are constants; each active document type adds `extract_<type>`, `arbitrate_<type>`
and `validate_<type>`, so the targets of a router are computed from the active types.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

PARSE: Final = "parse"
MASK: Final = "mask"
CLASSIFY: Final = "classify"
ROUTE_PARSE: Final = "route_parse"
ROUTE_TYPE: Final = "route_type"
ROUTE_EXTRACTION: Final = "route_extraction"
ROUTE_VALIDATION: Final = "route_validation"
PREPARE_REVIEW: Final = "prepare_review"
AWAIT_REVIEW: Final = "await_review"
ROUTE_REVIEW: Final = "route_review"
FINALIZE: Final = "finalize"
DELIVER: Final = "deliver"
REJECT: Final = "reject"
FAIL: Final = "fail"


def extract_node(doc_type: str) -> str:
    """The extraction node of a document type."""
    return f"extract_{doc_type}"


def arbitrate_node(doc_type: str) -> str:
    """The arbitration node of a document type."""
    return f"arbitrate_{doc_type}"


def validate_node(doc_type: str) -> str:
    """The validation node of a document type."""
    return f"validate_{doc_type}"


def router_targets(type_names: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """Router node -> every node it may choose, for a workflow over these document types."""
    names = tuple(type_names)
    extracts = tuple(extract_node(name) for name in names)
    return {
        ROUTE_PARSE: (MASK, FAIL),
        ROUTE_TYPE: (*extracts, CLASSIFY, PREPARE_REVIEW, FAIL),
        ROUTE_EXTRACTION: (*(arbitrate_node(name) for name in names), *extracts, PREPARE_REVIEW, FAIL),
        ROUTE_VALIDATION: (FINALIZE, PREPARE_REVIEW, FAIL),
        ROUTE_REVIEW: (FINALIZE, REJECT, *extracts, *(validate_node(name) for name in names)),
    }
