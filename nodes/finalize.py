"""Terminal nodes: finalize a record, close a rejected document, or fail an unreadable one."""

from __future__ import annotations

from claimflow.nodes._step import step
from claimflow.nodes.ports import WorkflowContext
from claimflow.state.events import event
from claimflow.state.workflow import Patch, WorkflowState


@step("finalize")
async def finalize(state: WorkflowState, context: WorkflowContext) -> Patch:
    """Mark the run completed; the record is built from the fields and their provenance."""
    del context
    counts: dict[str, int] = {}
    for result in state.fields.values():
        counts[result.status] = counts.get(result.status, 0) + 1
    return Patch(
        outcome="completed",
        events=[
            event(
                "run.completed",
                "finalize",
                outcome="completed",
                doc_type=state.doc_type,
                fields=counts,
                usage=state.usage.model_dump(),
            )
        ],
    )


@step("reject")
async def reject(state: WorkflowState, context: WorkflowContext) -> Patch:
    """Close a document a reviewer rejected."""
    del context
    completed = event("run.completed", "reject", outcome="rejected", reason=state.error, usage=state.usage.model_dump())
    return Patch(outcome="rejected", events=[completed])


def _policy_reason(state: WorkflowState) -> str:
    """Why the policy failed a readable document: the last route's rule names it."""
    if state.budget_stop:
        return f"budget exceeded: {state.budget_stop}"
    last = state.routes[-1] if state.routes else None
    return f"{last.rule}: {last.detail}" if last else "failed"


@step("fail")
async def fail(state: WorkflowState, context: WorkflowContext) -> Patch:
    """Fail a document that could not be processed, keeping the reason."""
    del context
    reason = state.error or _policy_reason(state)
    failed = event("run.failed", "fail", reason=reason, usage=state.usage.model_dump())
    return Patch(outcome="failed", error=reason, events=[failed])
