"""Typed output records, one model per document type (built from its declaration), with provenance per field."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, create_model

from claimflow.state.evidence import Evidence
from claimflow.state.normalize import parse_amount, parse_iso_date, parse_number
from claimflow.state.outcomes import FieldResult, FieldStatus, TableRow
from claimflow.state.schema import DocumentType, DocumentTypes
from claimflow.state.schema.fields import Column
from claimflow.state.schema.fields import Field as FieldSpec
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


class DocumentRecord(BaseModel):
    """A finished document: run and document ids, the type, and one entry per declared field.

    Each type has its own subclass (`record_model`), so a record has exactly its type's fields.
    """

    model_config = ConfigDict(frozen=True)

    run_id: str
    document_id: str
    filename: str
    doc_type: str


class RecordRow(BaseModel):
    """One row of a table field in a record; each type's tables add their columns."""

    model_config = ConfigDict(frozen=True)

    evidence: Evidence


_PYTHON: dict[str, type] = {"date": date, "amount": Decimal, "percentage": Decimal, "number": Decimal, "boolean": bool}


def _python_type(kind: str) -> type:
    return _PYTHON.get(kind, str)


def _row_model(doc_type: DocumentType, table: FieldSpec) -> type[RecordRow]:
    columns: dict[str, Any] = {column.name: (_python_type(column.kind) | None, None) for column in table.columns}
    name = f"{_camel(doc_type.name)}{_camel(table.name)}Row"
    return create_model(name, __base__=RecordRow, **columns)


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))


_MODELS: dict[int, tuple[DocumentType, type[DocumentRecord]]] = {}


def record_model(doc_type: DocumentType) -> type[DocumentRecord]:
    """The record model of a type: one `RecordField` per value field, a list of rows per table field."""
    cached = _MODELS.get(id(doc_type))
    if cached is not None and cached[0] is doc_type:
        return cached[1]
    definitions: dict[str, Any] = {}
    for spec in doc_type.fields:
        if spec.is_table:
            definitions[spec.name] = (list[_row_model(doc_type, spec)], Field(default_factory=list))  # type: ignore[misc]
        else:
            value: Any = _python_type(spec.kind)
            value = list[value] if spec.multiple else value
            definitions[spec.name] = (RecordField[value], Field(default_factory=RecordField[value]))
    model = create_model(f"{_camel(doc_type.name)}Record", __base__=DocumentRecord, **definitions)
    _MODELS[id(doc_type)] = (doc_type, model)
    return model


def typed_value(kind: str, value: str | None) -> object:
    """A canonical value as the Python value a record holds (date, Decimal, bool or str)."""
    if value is None:
        return None
    if kind == "date":
        return parse_iso_date(value)
    if kind in ("amount", "percentage"):
        return parse_amount(value)
    if kind == "number":
        return parse_number(value)  # `14.555` is fourteen and a bit, where an amount's reading groups thousands
    if kind == "boolean":
        return value == "true"
    return value


def _record_field(spec: FieldSpec, result: FieldResult | None) -> dict[str, object]:
    if result is None:
        return {}
    value: object = None
    if result.status in ("accepted", "edited"):
        raw = result.value
        value = [typed_value(spec.kind, item) for item in raw] if isinstance(raw, list) else typed_value(spec.kind, raw)
    return {
        "value": value,
        "status": result.status,
        "confidence": result.confidence,
        "decided_by": result.decided_by,
        "evidence": result.evidence,
    }


def _record_row(columns: tuple[Column, ...], row: TableRow) -> dict[str, object]:
    cells = {column.name: typed_value(column.kind, row.cells.get(column.name)) for column in columns}
    return {**cells, "evidence": row.evidence}


def build_record(state: WorkflowState, types: DocumentTypes) -> DocumentRecord | None:
    """The typed record for a run whose type is known and active; None otherwise."""
    doc_type = types.find(state.doc_type)
    if doc_type is None:
        return None
    data: dict[str, object] = {
        "run_id": state.run_id,
        "document_id": state.document.document_id,
        "filename": state.document.filename,
        "doc_type": doc_type.name,
    }
    for spec in doc_type.fields:
        if spec.is_table:
            data[spec.name] = [_record_row(tuple(spec.columns), row) for row in state.tables.get(spec.name, [])]
        else:
            data[spec.name] = _record_field(spec, state.fields.get(spec.name))
    return record_model(doc_type).model_validate(data)


def undeclared_values(state: WorkflowState, types: DocumentTypes) -> list[str]:
    """The fields and tables of a run that hold a value its type no longer declares (renamed or removed since).

    `build_record` writes a record as the type declares it now: these are what it leaves out, each still in the run.
    """
    doc_type = types.find(state.doc_type)
    if doc_type is None:
        return []
    declared = {spec.name for spec in doc_type.fields}
    held = [name for name, result in state.fields.items() if result.value not in (None, [], "")]
    held += [name for name, rows in state.tables.items() if rows]
    return sorted(name for name in set(held) if name not in declared)
