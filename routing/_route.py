"""A router's answer: the next node and the rule that chose it."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from claimflow.state.outcomes import RouteDecision


@dataclass(frozen=True)
class Route:
    """The next node, the rule that fired, and the facts it fired on."""

    target: str
    rule: str
    detail: str = ""

    def decision(self, router: str) -> RouteDecision:
        """As recorded in state and in the route.decided event."""
        return RouteDecision(router=router, target=self.target, rule=self.rule, detail=self.detail)


def allowed_target(decision: RouteDecision, allowed: Collection[str]) -> str:
    """The node the decision goes to; fails loudly if it is not one its router may choose."""
    if decision.target not in allowed:
        raise RuntimeError(f"router {decision.router!r} chose {decision.target!r}, not one of {sorted(allowed)}")
    return decision.target
