"""Step tracing: every node emits step.started and step.completed (with its duration)."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from langgraph.runtime import Runtime

from claimflow.nodes.ports import WorkflowContext
from claimflow.state.events import event
from claimflow.state.workflow import Patch, WorkflowState

NodeBody = Callable[[WorkflowState, WorkflowContext], Awaitable[Patch]]


class Node(Protocol):
    """A LangGraph node: state in, update out; LangGraph passes `runtime` by keyword."""

    __name__: str

    def __call__(self, state: WorkflowState, *, runtime: Runtime[WorkflowContext]) -> Awaitable[dict[str, Any]]:
        """Run the step."""
        ...


def context_of(runtime: Runtime[WorkflowContext]) -> WorkflowContext:
    """The run's context; a graph invoked without one is a wiring error, said plainly."""
    context = runtime.context
    if not isinstance(context, WorkflowContext):
        raise RuntimeError("claimflow nodes need a WorkflowContext: invoke the graph with context=...")
    return context


def step(name: str) -> Callable[[NodeBody], Node]:
    """Turn `body(state, context) -> Patch` into a traced LangGraph node returning a validated update."""

    def wrap(body: NodeBody) -> Node:
        # No functools.wraps: LangGraph reads the signature to pass `runtime`, and __wrapped__ would hide it.
        async def node(state: WorkflowState, *, runtime: Runtime[WorkflowContext]) -> dict[str, Any]:
            started = event("step.started", name)
            clock = time.perf_counter()
            patch = await body(state, context_of(runtime))
            duration_ms = round((time.perf_counter() - clock) * 1000, 3)
            completed = event("step.completed", name, duration_ms=duration_ms)
            # The body's patch is validated already; only the step's own events are added around its events.
            # Claim verdicts and route decisions are the step's own too: a step that makes none clears the
            # last one's, so a checkpoint never carries an earlier step's (the events table keeps them all).
            update: dict[str, Any] = {}
            if state.claims:
                update["claims"] = []
            if state.routes:
                update["routes"] = []
            update |= patch.as_update()
            update["events"] = [started, *(patch.events or []), completed]
            return update

        node.__name__ = name
        node.__doc__ = body.__doc__
        return node

    return wrap
