"""What apply functions, rules and routers decide, recorded as data in state."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from claimflow.state.evidence import Evidence
from claimflow.state.fields import ClassifiedType

FieldStatus = Literal["accepted", "rejected", "missing", "edited"]

ReviewReasonCode = Literal[
    "unknown_type",
    "low_confidence_type",
    "invalid_output",
    "missing_required",
    "unsupported_evidence",
    "conflicting_values",
    "low_confidence_field",
    "validation_failed",
    "duplicate",
    "high_risk",
    "budget_exceeded",
]


class ClaimOutcome(BaseModel):
    """The verdict of apply on one claim: accepted or rejected, and why."""

    model_config = ConfigDict(frozen=True)

    claim_id: str
    step: str
    origin: str | None = None
    """Which extractor made the claim ("primary", "second") when more than one ran."""
    field: str | None = None
    value: str | None = None
    normalized: str | None = None
    confidence: float | None = None
    accepted: bool
    reasons: list[str]
    evidence: Evidence | None = None


class Classification(BaseModel):
    """The accepted (or rejected) document type."""

    model_config = ConfigDict(frozen=True)

    doc_type: ClassifiedType
    confidence: float
    accepted: bool
    evidence: list[Evidence] = Field(default_factory=list)
    reasons: list[str] = Field(default_factory=list)


class FieldResult(BaseModel):
    """The current value of one record field and how it was decided."""

    model_config = ConfigDict(frozen=True)

    name: str
    value: str | list[str] | None = None
    status: FieldStatus
    confidence: float | None = None
    evidence: list[Evidence] = Field(default_factory=list)
    decided_by: str
    """Who decided: "claim <id>", "reviewer <name>", or "no claim"."""
    reasons: list[str] = Field(default_factory=list)


class LineItem(BaseModel):
    """One accepted invoice line."""

    model_config = ConfigDict(frozen=True)

    description: str
    quantity: str | None = None
    unit_price: str | None = None
    amount: str
    evidence: Evidence


class RuleResult(BaseModel):
    """The outcome of one business rule."""

    model_config = ConfigDict(frozen=True)

    rule: str
    passed: bool
    message: str
    fields: list[str] = Field(default_factory=list)
    severity: Literal["review", "info"] = "review"


class ReviewReason(BaseModel):
    """Why a document needs a human."""

    model_config = ConfigDict(frozen=True)

    code: ReviewReasonCode
    message: str
    field: str | None = None


class RouteDecision(BaseModel):
    """A router's choice, with the rule that fired."""

    model_config = ConfigDict(frozen=True)

    router: str
    target: str
    rule: str
    detail: str = ""
