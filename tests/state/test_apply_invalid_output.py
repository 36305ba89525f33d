"""apply_invalid_output records the errors for the retry; clear_step_errors drops them again."""

from __future__ import annotations

from claimflow.state.apply import apply_invalid_output, clear_step_errors
from claimflow.state.workflow import StepErrors
from tests.factories import make_state


def test_errors_are_recorded_per_step_with_a_rejected_claim() -> None:
    state = make_state(step_errors={"extract_invoice": StepErrors(attempt=1, errors=["old"])})
    patch = apply_invalid_output(state, step="classify", attempt=2, errors=["doc_type: field required"])
    assert patch.step_errors == {
        "extract_invoice": StepErrors(attempt=1, errors=["old"]),
        "classify": StepErrors(attempt=2, errors=["doc_type: field required"]),
    }
    (outcome,) = patch.claims or []
    assert outcome.claim_id == "classify#2"
    assert not outcome.accepted
    assert outcome.reasons == ["invalid output: doc_type: field required"]
    (event,) = patch.events or []
    assert event.type == "claim.rejected"
    assert event.step == "classify"


def test_no_error_text_still_gives_a_reason() -> None:
    patch = apply_invalid_output(make_state(), step="classify", attempt=1, errors=[])
    (outcome,) = patch.claims or []
    assert outcome.reasons == ["invalid output"]


def test_later_attempt_replaces_the_step_entry() -> None:
    state = make_state(step_errors={"classify": StepErrors(attempt=1, errors=["a"])})
    patch = apply_invalid_output(state, step="classify", attempt=2, errors=["b"])
    assert patch.step_errors == {"classify": StepErrors(attempt=2, errors=["b"])}


def test_clear_step_errors_removes_only_that_step() -> None:
    state = make_state(
        step_errors={
            "classify": StepErrors(attempt=1, errors=["a"]),
            "extract_receipt": StepErrors(attempt=1, errors=[]),
        }
    )
    assert set(clear_step_errors(state, "classify")) == {"extract_receipt"}
    assert clear_step_errors(state, "extract_invoice") == state.step_errors
