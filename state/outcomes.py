"""What apply functions, rules and routers decide, recorded as data in state."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from claimflow.state.evidence import Evidence

FieldStatus = Literal["accepted", "rejected", "missing", "edited"]

ReviewReasonCode = Literal[
    "unknown_type",
    "low_confidence_type",
    "invalid_output",
    "missing_required",
    "unsupported_evidence",
    "conflicting_values",
    "low_confidence_field",
    "ambiguous_value",
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
    """The field claimed ("doc_type" for a classification, "<table>[<n>]" for a table row)."""
    value: str | None = None
    normalized: str | None = None
    confidence: float | None = None
    accepted: bool
    reasons: list[str]
    evidence: Evidence | None = None
    check: str | None = None
    """Which check decided: e.g. `quote_not_found`, `value_not_in_quote`, `wrong_label`, `own_label`."""
    label: str | None = None
    """The label that decided, when one did (the field's own, another field's, or a counter-role label)."""
    doubt: str | None = None
    """Why an accepted value is still in doubt though its evidence holds (a number that reads two ways): the
    document goes to review for it."""


class Classification(BaseModel):
    """The accepted (or rejected) document type."""

    model_config = ConfigDict(frozen=True)

    doc_type: str
    """An active document type's name, or "unknown"."""
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
    doubt: str | None = None
    """Why the accepted value is still in doubt though its evidence holds (`ClaimOutcome.doubt`): a reviewer
    settles it, whatever the confidence."""


class TableRow(BaseModel):
    """One accepted row of a table field (e.g. an invoice line): canonical cell values and the row's evidence."""

    model_config = ConfigDict(frozen=True)

    cells: dict[str, str | None]
    """Column name -> canonical value (None where the row has no such cell)."""
    evidence: Evidence
    doubts: list[str] = Field(default_factory=list)
    """Why cells the row's evidence holds are still in doubt (`quantity: the page writes ...`): a reviewer looks."""
    edited: dict[str, str] = Field(default_factory=dict)
    """Column name -> why a reviewer's value stands in that cell: the row's quote writes it, or their word alone."""


RuleSeverity = Literal["review", "info"]
"""A failed `review` rule sends the document to review; a failed `info` rule is only recorded."""


class RuleResult(BaseModel):
    """The outcome of one business rule: passed or failed, why, and which fields it judged."""

    model_config = ConfigDict(frozen=True)

    rule: str
    """The rule's stable name."""
    passed: bool
    message: str
    """What was checked, with the values, in words a reviewer reads."""
    fields: list[str] = Field(default_factory=list)
    severity: RuleSeverity = "review"
    code: ReviewReasonCode = "validation_failed"
    """The review reason a failure becomes (`validation_failed`, `duplicate`, `missing_required`)."""


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
