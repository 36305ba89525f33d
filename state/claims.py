"""Claims: what model steps return. A claim is a proposal; only an apply function changes state."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from claimflow.state.evidence import ClaimedEvidence
from claimflow.state.fields import ClassifiedType


class ClassificationClaim(BaseModel):
    """A claim about which kind of document this is."""

    model_config = ConfigDict(frozen=True, use_attribute_docstrings=True, extra="forbid")

    doc_type: ClassifiedType
    """The document type, or "unknown" when none fits."""
    confidence: float = Field(ge=0.0, le=1.0)
    """How likely the type is right, from 0 to 1. Say low when unsure."""
    evidence: list[ClaimedEvidence] = Field(default_factory=list, max_length=5)
    """Verbatim quotes that show the type (e.g. a title such as "Invoice")."""


class FieldClaim(BaseModel):
    """A claim that one field of the document has one value, with the quote that shows it."""

    model_config = ConfigDict(frozen=True, use_attribute_docstrings=True, extra="forbid")

    field: str
    """The field name, from the document type's field list."""
    value: str
    """The value in canonical form: dates yyyy-mm-dd, amounts like 1234.50, currencies ISO 4217."""
    confidence: float = Field(ge=0.0, le=1.0)
    """How likely the value is right, from 0 to 1. Say low when unsure."""
    evidence: ClaimedEvidence
    """The verbatim quote from the document that contains the value."""


class LineItemClaim(BaseModel):
    """A claim about one line of an invoice's item table."""

    model_config = ConfigDict(frozen=True, use_attribute_docstrings=True, extra="forbid")

    description: str
    """What was sold, as printed."""
    quantity: str | None = None
    """Quantity as a plain decimal, if printed."""
    unit_price: str | None = None
    """Price of one unit as a plain decimal, if printed."""
    amount: str
    """The line's total as a plain decimal."""
    evidence: ClaimedEvidence
    """The verbatim text of the line."""


class ExtractionClaim(BaseModel):
    """Everything one extraction step claims about a document."""

    model_config = ConfigDict(frozen=True, use_attribute_docstrings=True, extra="forbid")

    fields: list[FieldClaim] = Field(default_factory=list)
    """One claim per field found; leave out fields the document does not state."""
    line_items: list[LineItemClaim] = Field(default_factory=list)
    """Invoice lines, when the document has an item table."""
