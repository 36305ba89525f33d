"""A router's answer: the next node and the rule that chose it."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from claimflow.state.outcomes import RouteDecision
from claimflow.state.workflow import WorkflowState


@dataclass(frozen=True)
class Route:
    """The next node, the rule that fired, and the facts it fired on."""

    target: str
    rule: str
    detail: str = ""

    def decision(self, router: str) -> RouteDecision:
        """As recorded in state and in the route.decided event."""
        return RouteDecision(router=router, target=self.target, rule=self.rule, detail=self.detail)


def recorded_target(state: WorkflowState, router: str, allowed: Collection[str]) -> str:
    """The target the router node recorded; fails loudly if it is not one the edge allows."""
    decision = state.last_route(router)
    if decision is None:
        raise RuntimeError(f"router {router!r} has not decided yet")
    if decision.target not in allowed:
        raise RuntimeError(f"router {router!r} chose {decision.target!r}, not one of {sorted(allowed)}")
    return decision.target
