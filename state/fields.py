"""The closed vocabulary of document types and the fields each one has."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from claimflow.state.errors import UnknownDocumentTypeError
from claimflow.state.normalize import FieldKind

DocType = Literal["invoice", "receipt", "contract"]
"""Document types claimflow extracts."""

ClassifiedType = Literal["invoice", "receipt", "contract", "unknown"]
"""What a classifier may answer: a known type, or that it does not know."""

DOC_TYPES: tuple[DocType, ...] = ("invoice", "receipt", "contract")


@dataclass(frozen=True)
class FieldSpec:
    """One field of a document type."""

    name: str
    kind: FieldKind
    required: bool = False
    multiple: bool = False
    description: str = ""


_SCHEMAS: dict[DocType, tuple[FieldSpec, ...]] = {
    "invoice": (
        FieldSpec("vendor_name", "text", required=True, description="Legal name of the seller"),
        FieldSpec("invoice_number", "identifier", required=True, description="The invoice's number"),
        FieldSpec("issue_date", "date", required=True, description="Date the invoice was issued"),
        FieldSpec("due_date", "date", description="Date payment is due"),
        FieldSpec("currency", "currency", description="ISO 4217 code of the invoice currency"),
        FieldSpec("net_amount", "amount", description="Total before tax"),
        FieldSpec("tax_amount", "amount", description="Total tax"),
        FieldSpec("total_amount", "amount", required=True, description="Grand total including tax"),
    ),
    "receipt": (
        FieldSpec("vendor_name", "text", required=True, description="Name of the shop or company"),
        FieldSpec("vendor_address", "text", description="Address of the shop"),
        FieldSpec("issue_date", "date", required=True, description="Date of the purchase"),
        FieldSpec("total_amount", "amount", required=True, description="Total paid"),
        FieldSpec("currency", "currency", description="ISO 4217 code, only when printed"),
    ),
    "contract": (
        FieldSpec("parties", "text", required=True, multiple=True, description="Each party to the contract"),
        FieldSpec("effective_date", "date", description="Date the contract takes effect"),
        FieldSpec("jurisdiction", "text", description="State or country whose law governs"),
        FieldSpec("term", "duration", description="How long the contract or its obligations last"),
    ),
}


def fields_of(doc_type: DocType) -> tuple[FieldSpec, ...]:
    """Return the field specs of a document type, in record order."""
    try:
        return _SCHEMAS[doc_type]
    except KeyError:
        raise UnknownDocumentTypeError(f"unknown document type {doc_type!r}; known: {DOC_TYPES}") from None


def field_spec(doc_type: DocType, name: str) -> FieldSpec | None:
    """Return the spec of one field, or None when the type has no such field."""
    return next((spec for spec in fields_of(doc_type) if spec.name == name), None)
