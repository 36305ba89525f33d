"""Pure routing: which node runs next, decided by code from state."""

from claimflow.routing._route import Route, allowed_target
from claimflow.routing.names import router_targets
from claimflow.routing.routers import (
    Router,
    route_after_classify,
    route_after_extract,
    route_after_parse,
    route_after_review,
    route_after_validate,
    routers_for,
)

__all__ = [
    "Route",
    "Router",
    "allowed_target",
    "route_after_classify",
    "route_after_extract",
    "route_after_parse",
    "route_after_review",
    "route_after_validate",
    "router_targets",
    "routers_for",
]
