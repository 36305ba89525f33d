"""Retry, fallback and threshold policy as data.

The table is what happens when a step goes wrong; thresholds come from configuration and are
snapshotted into each run's state, so a run is always explained by the policy it ran under.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from claimflow.state.budget import Budget
from claimflow.state.review_policy import ReviewPolicy

ALWAYS_REVIEW: Literal["always_review"] = "always_review"
FieldThreshold = Annotated[float, Field(ge=0, le=1)] | Literal["always_review"]
"""A field's auto-accept confidence between 0 and 1, or "always_review"."""
"""A per-field threshold that no confidence reaches: the field always goes to a human."""


class StepPolicy(BaseModel):
    """What one model step does when its output is not usable. Routers and review reasons read this table."""

    model_config = ConfigDict(frozen=True)

    max_attempts: int = Field(default=2, ge=1)
    """Invalid output is retried, with the validation errors fed back, until this many attempts."""
    on_invalid_output: Literal["review", "fail"] = "review"
    """Where the run goes when the last attempt is still invalid."""
    on_missing_evidence: Literal["mark_unsupported", "review"] = "mark_unsupported"
    """A claim whose evidence is not in the source: the field is marked rejected (unsupported) and, for a
    required field, the run is reviewed anyway; "review" reviews every unsupported field."""
    on_conflicting_values: Literal["review", "fail"] = "review"
    """Values that still differ after the authority rules (evidence checks, agreement)."""


class Policy(BaseModel):
    """Thresholds and the per-step fallback table for one run."""

    model_config = ConfigDict(frozen=True)

    classify_min_confidence: float = Field(default=0.7, ge=0, le=1)
    """Below this the document type goes to review."""
    field_auto_accept: float = Field(default=0.8, ge=0, le=1)
    """Accepted fields below this confidence send the document to review."""
    field_thresholds: dict[str, dict[str, FieldThreshold]] = Field(default_factory=dict)
    """Per document type and field, the auto-accept confidence that replaces `field_auto_accept` and the
    field's own bar, or "always_review" for a field never accepted without a human (as `eval calibrate` writes)."""
    ocr_field_auto_accept: FieldThreshold | None = None
    """The bar for the fields of a document whose text OCR read (a scan or a photo, in whole or in part), where it
    is stricter than theirs: a confidence, or "always_review". Evidence proves a value is in the text; on a scan
    the text may not be what the paper says (`87.00` read for `89.00`). None: as for any text."""
    high_risk_total: Decimal = Decimal("10000")
    """Documents whose type's risk field (an invoice's total) reaches this take the high-risk route."""
    high_risk_field_auto_accept: float = Field(default=0.95, ge=0, le=1)
    """The stricter confidence bar on the high-risk route."""
    high_risk_review: bool = True
    """Whether the high-risk route always ends in review, however confident the fields are."""
    amount_tolerance: Decimal = Decimal("0.01")
    """How far sums may differ (rounding) and still agree."""
    budget: Budget = Field(default_factory=Budget)
    """Per-run limits on model use, enforced before each call (also after a resume)."""
    review: ReviewPolicy = Field(default_factory=ReviewPolicy)
    """Review deadlines per document type, what follows a missed one, and the reviewer groups it escalates to."""
    steps: dict[str, StepPolicy] = Field(
        default_factory=lambda: {
            "classify": StepPolicy(),
            "extract": StepPolicy(),
        }
    )

    def step(self, name: str) -> StepPolicy:
        """Return the policy of a step; extract_<type> steps share the "extract" row."""
        key = "extract" if name.startswith("extract") else name
        return self.steps.get(key, StepPolicy())
