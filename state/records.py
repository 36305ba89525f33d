"""Typed output records, one model per document type, with provenance on every field."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from claimflow.state.evidence import Evidence
from claimflow.state.fields import fields_of
from claimflow.state.normalize import parse_amount, parse_iso_date
from claimflow.state.outcomes import FieldResult, FieldStatus, LineItem
from claimflow.state.workflow import WorkflowState

T = TypeVar("T")


class RecordField(BaseModel, Generic[T]):
    """A value with how it was decided and where it is written."""

    model_config = ConfigDict(frozen=True)

    value: T | None = None
    status: FieldStatus = "missing"
    confidence: float | None = None
    decided_by: str = "no claim"
    evidence: list[Evidence] = Field(default_factory=list)


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True)

    run_id: str
    document_id: str
    filename: str


class InvoiceRecord(_Record):
    """A finished invoice."""

    doc_type: Literal["invoice"] = "invoice"
    vendor_name: RecordField[str]
    invoice_number: RecordField[str]
    issue_date: RecordField[date]
    due_date: RecordField[date]
    currency: RecordField[str]
    net_amount: RecordField[Decimal]
    tax_amount: RecordField[Decimal]
    total_amount: RecordField[Decimal]
    line_items: list[LineItem] = Field(default_factory=list)


class ReceiptRecord(_Record):
    """A finished receipt."""

    doc_type: Literal["receipt"] = "receipt"
    vendor_name: RecordField[str]
    vendor_address: RecordField[str]
    issue_date: RecordField[date]
    total_amount: RecordField[Decimal]
    currency: RecordField[str]


class ContractRecord(_Record):
    """A finished contract."""

    doc_type: Literal["contract"] = "contract"
    parties: RecordField[list[str]]
    effective_date: RecordField[date]
    jurisdiction: RecordField[str]
    term: RecordField[str]


DocumentRecord = InvoiceRecord | ReceiptRecord | ContractRecord


def _typed(kind: str, value: str | list[str] | None) -> object:
    if value is None or isinstance(value, list):
        return value
    if kind == "date":
        return parse_iso_date(value)
    if kind == "amount":
        return parse_amount(value)
    return value


def _record_field(kind: str, result: FieldResult | None) -> dict[str, object]:
    if result is None:
        return {}
    usable = result.status in ("accepted", "edited")
    return {
        "value": _typed(kind, result.value) if usable else None,
        "status": result.status,
        "confidence": result.confidence,
        "decided_by": result.decided_by,
        "evidence": result.evidence,
    }


def build_record(state: WorkflowState) -> DocumentRecord | None:
    """The typed record for a run whose type is known; None for an unknown type."""
    doc_type = state.doc_type
    if doc_type is None:
        return None
    data: dict[str, object] = {
        "run_id": state.run_id,
        "document_id": state.document.document_id,
        "filename": state.document.filename,
    }
    for spec in fields_of(doc_type):
        data[spec.name] = _record_field(spec.kind, state.fields.get(spec.name))
    if doc_type == "invoice":
        data["line_items"] = state.line_items
        return InvoiceRecord.model_validate(data)
    if doc_type == "receipt":
        return ReceiptRecord.model_validate(data)
    return ContractRecord.model_validate(data)
