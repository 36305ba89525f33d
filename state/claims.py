"""Claims: what model steps return. A claim is a proposal; only an apply function changes state."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from claimflow.state.evidence import ClaimedEvidence
from claimflow.state.lengths import ClaimedName, ClaimedValue


class ClassificationClaim(BaseModel):
    """A claim about which kind of document this is."""

    model_config = ConfigDict(frozen=True, use_attribute_docstrings=True, extra="forbid")

    doc_type: ClaimedName
    """One of the document types listed in the prompt, or "unknown" when none fits."""
    confidence: float = Field(ge=0.0, le=1.0)
    """How likely the type is right, from 0 to 1. Say low when unsure."""
    evidence: list[ClaimedEvidence] = Field(default_factory=list, max_length=5)
    """Verbatim quotes that show the type (e.g. a title such as "Invoice")."""


class FieldClaim(BaseModel):
    """A claim that one field of the document has one value, with the quote that shows it."""

    model_config = ConfigDict(frozen=True, use_attribute_docstrings=True, extra="forbid")

    field: ClaimedName
    """The field name, from the document type's field list."""
    value: ClaimedValue
    """The value in canonical form: dates yyyy-mm-dd, amounts like 1234.50, currencies ISO 4217."""
    confidence: float = Field(ge=0.0, le=1.0)
    """How likely the value is right, from 0 to 1. Say low when unsure."""
    evidence: ClaimedEvidence
    """The verbatim quote from the document that contains the value, with the label printed before it."""


class RowClaim(BaseModel):
    """A claim about one row of a table field (e.g. one line of an invoice's item table)."""

    model_config = ConfigDict(frozen=True, use_attribute_docstrings=True, extra="forbid")

    table: ClaimedName
    """The table field the row belongs to, from the field list."""
    cells: dict[ClaimedName, ClaimedValue]
    """Column name -> value, for the columns the row prints."""
    evidence: ClaimedEvidence
    """The verbatim text of the row."""


class ExtractionClaim(BaseModel):
    """Everything one extraction step claims about a document."""

    model_config = ConfigDict(frozen=True, use_attribute_docstrings=True, extra="forbid")

    fields: list[FieldClaim] = Field(default_factory=list)
    """One claim per field found; leave out fields the document does not state."""
    rows: list[RowClaim] = Field(default_factory=list)
    """One claim per row of each table field the document has."""
