"""Router nodes: run a pure router and record its decision (and the rule that fired) as state and event."""

from __future__ import annotations

from claimflow.nodes._step import Node, step
from claimflow.nodes.ports import WorkflowContext
from claimflow.routing import Router
from claimflow.state.events import event
from claimflow.state.workflow import Patch, WorkflowState


def route_node(name: str, router: Router) -> Node:
    """A node that records `router(state)` under `name`; the outgoing edge follows the record."""

    @step(name)
    async def decide(state: WorkflowState, context: WorkflowContext) -> Patch:
        del context  # routers are pure: state in, decision out
        decision = router(state).decision(name)
        return Patch(
            routes=[decision],
            events=[event("route.decided", name, target=decision.target, rule=decision.rule, detail=decision.detail)],
        )

    return decide
