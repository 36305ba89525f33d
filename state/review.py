"""Human review contracts: what a reviewer is shown and what they may answer."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from claimflow.state.evidence import ClaimedEvidence, Evidence
from claimflow.state.outcomes import FieldStatus, ReviewReason
from claimflow.state.plain_text import PlainName, PlainText, control_problem

ReviewAction = Literal["approve", "edit", "reject"]
_ALL_ACTIONS: tuple[ReviewAction, ...] = ("approve", "edit", "reject")


class ReviewField(BaseModel):
    """One field as the reviewer sees it: the value, its status and the evidence behind it."""

    model_config = ConfigDict(frozen=True)

    name: str
    kind: str
    required: bool
    value: str | list[str] | None
    status: FieldStatus
    confidence: float | None = None
    evidence: list[Evidence] = Field(default_factory=list)
    reasons: list[str] = Field(default_factory=list)


class ReviewRequest(BaseModel):
    """What a paused run asks of a reviewer."""

    model_config = ConfigDict(frozen=True)

    run_id: str
    document: str
    doc_type: str
    """The accepted type's name, or "unknown"."""
    reasons: list[ReviewReason]
    fields: list[ReviewField]
    allowed_actions: list[ReviewAction] = Field(default_factory=lambda: list(_ALL_ACTIONS))
    editable_fields: list[str]
    """Fields an edit may set: those of the document type (none while the type is unknown)."""
    doc_types: list[str]
    """Types an edit may name instead of field values; extraction then runs for that type."""


class ReviewDecision(BaseModel):
    """A reviewer's answer. Validated against its request before it touches state."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    # No control characters in what a reviewer writes (`plain_text`): refused here, before the decision claims
    # the run, rather than where it is recorded (Postgres stores no NUL), after.
    reviewer: PlainName = Field(min_length=1)
    """Who decides, as the audit trail names them: not blank (white space around it is dropped)."""
    action: ReviewAction
    edits: dict[PlainName, list[PlainText]] = Field(default_factory=dict)
    """Field name to new value(s); one value for single fields, any number for e.g. parties."""
    evidence: dict[PlainName, ClaimedEvidence] = Field(default_factory=dict)
    """Optional quotes a reviewer cites for edited fields; each must prove its field like a model's claim."""
    doc_type: PlainName | None = None
    """The document type, when the reviewer corrects or supplies it."""
    reason: PlainText | None = None
    """Why the document is rejected (required for reject)."""
    comment: PlainText | None = None

    @field_validator("reviewer")
    @classmethod
    def _named(cls, reviewer: str) -> str:
        # Only white space would name nobody in the audit trail; "" is refused by min_length already.
        if not reviewer.strip():
            raise ValueError("is blank: name who decides")
        return reviewer.strip()

    @model_validator(mode="after")
    def _action_matches_payload(self) -> ReviewDecision:
        if self.action == "reject" and not (self.reason and self.reason.strip()):
            raise ValueError("a rejection needs a reason")
        if self.action == "edit" and not self.edits and self.doc_type is None:
            raise ValueError("an edit needs at least one field edit or a document type")
        if self.action != "edit" and (self.edits or self.doc_type is not None):
            raise ValueError(f"{self.action} takes no edits; use action 'edit'")
        for name, claimed in self.evidence.items():
            if (problem := control_problem(claimed.quote, lines=True)) is not None:
                raise ValueError(f"the quote cited for {name} {problem}")
        cited = sorted(set(self.evidence) - set(self.edits))
        if cited:
            raise ValueError(f"evidence is cited for field(s) not edited: {', '.join(cited)}")
        return self
