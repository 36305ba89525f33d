"""The `deliver` step: hand a completed run's record to the configured targets, once.

The idempotency key names the run, the step and the checkpoint the step runs from. A step that runs again from
the same checkpoint (the process died after sending and before the step's checkpoint was written, or an operator
retries a failed delivery) sends the same key, and the receiver, or the table's upsert, keeps one copy.
"""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from claimflow.nodes._step import step
from claimflow.nodes.ports import WorkflowContext
from claimflow.routing import names
from claimflow.state.workflow import Patch, WorkflowState


def delivery_key(run_id: str, checkpoint_id: str) -> str:
    """The idempotency key of a run's delivery from the checkpoint `checkpoint_id`."""
    return f"{run_id}:{names.DELIVER}:{checkpoint_id}"


async def deliver(state: WorkflowState, *, runtime: Runtime[WorkflowContext]) -> dict[str, Any]:
    """Deliver the record of a completed run; without a configured target, or for another outcome, do nothing."""
    info = runtime.execution_info
    checkpoint_id = info.checkpoint_id if info is not None else ""

    @step(names.DELIVER)
    async def body(state: WorkflowState, context: WorkflowContext) -> Patch:
        if context.deliverer is None or state.outcome != "completed":
            return Patch()
        if not checkpoint_id:
            raise RuntimeError(
                "delivery needs the checkpoint its step runs from: compile the graph with a checkpointer"
            )
        await context.deliverer.deliver(state, delivery_key(state.run_id, checkpoint_id))
        return Patch()

    return await body(state, runtime=runtime)
