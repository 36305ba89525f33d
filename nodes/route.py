"""Router nodes: run a pure router, record its decision (and the rule that fired) as state and event, go there."""

from __future__ import annotations

from collections.abc import Awaitable, Collection
from typing import Protocol

from langgraph.runtime import Runtime
from langgraph.types import Command

from claimflow.nodes._step import step
from claimflow.nodes.ports import WorkflowContext
from claimflow.routing import Router, allowed_target
from claimflow.state.events import event
from claimflow.state.workflow import Patch, WorkflowState


class RouteNode(Protocol):
    """A LangGraph node that updates state and names the next node in one `Command`."""

    __name__: str

    def __call__(self, state: WorkflowState, *, runtime: Runtime[WorkflowContext]) -> Awaitable[Command[str]]:
        """Decide, record, go."""
        ...


def route_node(name: str, router: Router, targets: Collection[str]) -> RouteNode:
    """A node that records `router(state)` under `name` and goes to the node it chose, one of `targets`.

    The node names its successor itself (a `Command`), rather than an edge reading the record back: a
    conditional edge reads a fresh copy of the whole state after its node, which cost more than the decision.
    """

    @step(name)
    async def decide(state: WorkflowState, context: WorkflowContext) -> Patch:
        del context  # routers are pure: state in, decision out
        decision = router(state).decision(name)
        return Patch(
            routes=[decision],
            events=[event("route.decided", name, target=decision.target, rule=decision.rule, detail=decision.detail)],
        )

    async def route(state: WorkflowState, *, runtime: Runtime[WorkflowContext]) -> Command[str]:
        update = await decide(state, runtime=runtime)
        [decision] = update["routes"]
        return Command(update=update, goto=allowed_target(decision, targets))

    route.__name__ = name
    route.__doc__ = decide.__doc__
    return route
