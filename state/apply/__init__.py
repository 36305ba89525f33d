"""Apply functions: the only writers of workflow state. Each returns a validated Patch."""

from claimflow.state.apply.classification import apply_classification
from claimflow.state.apply.extraction import apply_extraction, arbitrate, check_field_claim
from claimflow.state.apply.invalid_output import apply_invalid_output, clear_step_errors
from claimflow.state.apply.review import apply_review_decision, build_review_request, decision_errors
from claimflow.state.apply.rows import check_row_claim

__all__ = [
    "apply_classification",
    "apply_extraction",
    "apply_invalid_output",
    "apply_review_decision",
    "build_review_request",
    "arbitrate",
    "check_field_claim",
    "check_row_claim",
    "clear_step_errors",
    "decision_errors",
]
