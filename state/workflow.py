"""WorkflowState: the one typed state that flows through a document run."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from claimflow.state.budget import UsageTotals
from claimflow.state.claims import ExtractionClaim
from claimflow.state.documents import DocumentRef, TextRef
from claimflow.state.events import Event
from claimflow.state.outcomes import (
    ClaimOutcome,
    Classification,
    FieldResult,
    ReviewReason,
    RouteDecision,
    RuleResult,
    TableRow,
)
from claimflow.state.policy import Policy
from claimflow.state.review import ReviewDecision, ReviewRequest
from claimflow.state.schema import UNKNOWN_TYPE

Outcome = Literal["running", "completed", "needs_review", "failed", "rejected"]


class MaskRef(BaseModel):
    """The masked text the model sees, and where the placeholder mapping is stored."""

    model_config = ConfigDict(frozen=True)

    text: TextRef
    mapping_id: str
    masked_count: int


class StepErrors(BaseModel):
    """Validation errors of a step's last invalid output, fed back on the retry."""

    model_config = ConfigDict(frozen=True)

    attempt: int
    errors: list[str]


class Candidate(BaseModel):
    """One extractor's claim for arbitration: which source made it, on which attempt."""

    model_config = ConfigDict(frozen=True)

    source: str
    """Which extractor made the claim: "primary" or "second"."""
    model: str
    attempt: int
    claim: ExtractionClaim


class WorkflowState(BaseModel):
    """State of one document's run. Documents are referenced, never inlined."""

    model_config = ConfigDict(frozen=True)

    run_id: str
    document: DocumentRef
    policy: Policy = Field(default_factory=Policy)
    text: TextRef | None = None
    masked: MaskRef | None = None
    classification: Classification | None = None
    fields: dict[str, FieldResult] = Field(default_factory=dict)
    tables: dict[str, list[TableRow]] = Field(default_factory=dict)
    """Accepted rows of each table field (e.g. invoice line items)."""
    rejected_rows: dict[str, list[str]] = Field(default_factory=dict)
    """Why each row claimed for a table and not accepted was refused: a table missing a row is not whole."""
    rule_results: list[RuleResult] = Field(default_factory=list)
    review_reasons: list[ReviewReason] = Field(default_factory=list)
    review_request: ReviewRequest | None = None
    review_decision: ReviewDecision | None = None
    attempts: dict[str, int] = Field(default_factory=dict)
    step_errors: dict[str, StepErrors] = Field(default_factory=dict)
    outcome: Outcome = "running"
    error: str | None = None
    usage: UsageTotals = Field(default_factory=UsageTotals)
    budget_stop: str | None = None
    """Why the budget stopped the run's model calls, when it did."""
    candidates: list[Candidate] = Field(default_factory=list)
    """The latest extraction claims awaiting arbitration (one per extractor)."""
    # The last step's verdicts, route decisions and events: each step replaces them. The whole history is the
    # run's events table (the engine appends each step's events once its checkpoint is written), so a
    # checkpoint stays the same size however many steps a run takes.
    claims: list[ClaimOutcome] = Field(default_factory=list)
    """The last step's claim verdicts."""
    routes: list[RouteDecision] = Field(default_factory=list)
    """The last router's decision."""
    events: list[Event] = Field(default_factory=list)
    """The last step's audit events."""

    @property
    def doc_type(self) -> str | None:
        """The name of the accepted document type, if any."""
        found = self.classification
        if found is None or not found.accepted or found.doc_type == UNKNOWN_TYPE:
            return None
        return found.doc_type

    @property
    def decided_type(self) -> str | None:
        """What the run says the document is, as its views and registry row report it.

        The accepted type, `unknown` when the classifier was sure none of the types fits, None while no
        classification was accepted (none yet, rejected, or not confident).
        """
        found = self.classification
        return found.doc_type if found is not None and found.accepted else None

    def last_route(self, router: str) -> RouteDecision | None:
        """The latest decision of a router."""
        return next((d for d in reversed(self.routes) if d.router == router), None)


class Patch(BaseModel):
    """A validated partial update of WorkflowState. Only fields that were set are applied.

    LangGraph silently drops unknown keys from node output, so every node builds one of these:
    a typo in a field name fails here, loudly.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    text: TextRef | None = None
    masked: MaskRef | None = None
    classification: Classification | None = None
    fields: dict[str, FieldResult] | None = None
    tables: dict[str, list[TableRow]] | None = None
    rejected_rows: dict[str, list[str]] | None = None
    rule_results: list[RuleResult] | None = None
    review_reasons: list[ReviewReason] | None = None
    review_request: ReviewRequest | None = None
    review_decision: ReviewDecision | None = None
    attempts: dict[str, int] | None = None
    step_errors: dict[str, StepErrors] | None = None
    outcome: Outcome | None = None
    error: str | None = None
    usage: UsageTotals | None = None
    budget_stop: str | None = None
    candidates: list[Candidate] | None = None
    claims: list[ClaimOutcome] | None = None
    routes: list[RouteDecision] | None = None
    events: list[Event] | None = None

    def as_update(self) -> dict[str, object]:
        """The keys that were set, with their values, as LangGraph expects a node's output."""
        return {name: getattr(self, name) for name in self.model_fields_set}

    def merged(self, other: Patch) -> Patch:
        """Combine two patches of one step; its claims, routes and events concatenate."""
        data: dict[str, object] = self.as_update()
        for name, value in other.as_update().items():
            if name in ("claims", "routes", "events") and name in data:
                data[name] = [*data[name], *value]  # type: ignore[misc]
            else:
                data[name] = value
        return Patch.model_validate(data)
