"""The `deliver` step: hand a completed run's record to the configured targets, once.

The idempotency key names the run, the step and the checkpoint the step runs from. A step that runs again from
the same checkpoint (the process died after sending and before the step's checkpoint was written, or an operator
retries a failed delivery) sends the same key, and the receiver, or the table's upsert, keeps one copy.
"""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from claimflow.nodes._step import context_of, step
from claimflow.nodes.ports import WorkflowContext
from claimflow.routing import names
from claimflow.state.workflow import Patch, WorkflowState


def delivery_key(run_id: str, checkpoint_id: str) -> str:
    """The idempotency key of a run's delivery from the checkpoint `checkpoint_id`."""
    return f"{run_id}:{names.DELIVER}:{checkpoint_id}"


async def deliver(state: WorkflowState, *, runtime: Runtime[WorkflowContext]) -> dict[str, Any]:
    """Deliver the record of a completed run; without a configured target, or for another outcome, do nothing."""
    info = runtime.execution_info
    if info is None or not info.checkpoint_id:
        raise RuntimeError("the deliver step needs the checkpoint it runs from: compile the graph with a checkpointer")
    key = delivery_key(state.run_id, info.checkpoint_id)

    @step(names.DELIVER)
    async def body(state: WorkflowState, context: WorkflowContext) -> Patch:
        if context.deliverer is not None and state.outcome == "completed":
            await context.deliverer.deliver(state, key)
        return Patch()

    context_of(runtime)  # a graph invoked without a context fails here, as every other step does
    return await body(state, runtime=runtime)
