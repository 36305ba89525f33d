"""Human review: the only place a run pauses.

`prepare_review` records the request (and its event) before the pause; `await_review` holds the
single `interrupt()`. A resumed node re-runs from its first line, so nothing with side effects
comes before the interrupt, and it is never inside a try/except.
"""

from __future__ import annotations

from langgraph.types import interrupt

from claimflow.nodes._step import Node, step
from claimflow.nodes.ports import WorkflowContext
from claimflow.routing import names
from claimflow.state.apply import apply_review_decision, build_review_request
from claimflow.state.events import event
from claimflow.state.outcomes import ReviewReason
from claimflow.state.reasons import review_reasons
from claimflow.state.review import ReviewDecision
from claimflow.state.schema import DocumentTypes
from claimflow.state.workflow import Patch, WorkflowState


def prepare_review_for(types: DocumentTypes) -> Node:
    """The node that builds the ReviewRequest of a workflow over `types`."""

    @step(names.PREPARE_REVIEW)
    async def prepare_review(state: WorkflowState, context: WorkflowContext) -> Patch:
        """Build the ReviewRequest from the reasons in state and mark the run as waiting."""
        del context
        reasons = review_reasons(state, types)
        if not reasons:
            last = state.routes[-1] if state.routes else None
            reasons = [
                ReviewReason(code="invalid_output", message=f"{last.rule}: {last.detail}" if last else "sent to review")
            ]
        request = build_review_request(state, types, reasons)
        return Patch(
            review_request=request,
            review_reasons=reasons,
            review_decision=None,
            outcome="needs_review",
            events=[event("review.requested", names.PREPARE_REVIEW, reasons=[r.model_dump() for r in reasons])],
        )

    return prepare_review


def await_review_for(types: DocumentTypes) -> Node:
    """The node that pauses for, and applies, a reviewer's decision."""

    @step(names.AWAIT_REVIEW)
    async def await_review(state: WorkflowState, context: WorkflowContext) -> Patch:
        """Pause until a reviewer decides; apply the decision like a claim (invalid ones raise, run stays paused)."""
        if state.review_request is None:
            raise RuntimeError("await_review ran without a review request")
        decision = interrupt(state.review_request.model_dump(mode="json"), response_schema=ReviewDecision)
        if state.text is None:
            raise RuntimeError("await_review ran on a run without text")
        source = await context.store.load_text(state.text)
        patch = await context.offload(apply_review_decision, state, decision, types, source)
        return patch.merged(Patch(outcome="running")) if patch.outcome is None else patch

    return await_review
