"""apply for a model output that did not even parse as its claim type."""

from __future__ import annotations

from claimflow.state.events import event
from claimflow.state.outcomes import ClaimOutcome
from claimflow.state.workflow import Patch, StepErrors, WorkflowState


def apply_invalid_output(state: WorkflowState, *, step: str, attempt: int, errors: list[str]) -> Patch:
    """Record the validation errors so the retry can show them to the model, and the router can count."""
    outcome = ClaimOutcome(
        claim_id=f"{step}#{attempt}",
        step=step,
        accepted=False,
        reasons=[f"invalid output: {error}" for error in errors] or ["invalid output"],
    )
    return Patch(
        step_errors={**state.step_errors, step: StepErrors(attempt=attempt, errors=errors)},
        claims=[outcome],
        events=[event("claim.rejected", step, claim_id=outcome.claim_id, reasons=outcome.reasons)],
    )


def clear_step_errors(state: WorkflowState, step: str) -> dict[str, StepErrors]:
    """The step-errors map without this step's entry (its output was valid this time)."""
    return {name: errors for name, errors in state.step_errors.items() if name != step}
