"""Pure routing: which node runs next, decided by code from state."""

from claimflow.routing._route import Route, recorded_target
from claimflow.routing.routers import (
    ROUTERS,
    route_after_classify,
    route_after_extract,
    route_after_parse,
    route_after_review,
    route_after_validate,
)

__all__ = [
    "ROUTERS",
    "Route",
    "recorded_target",
    "route_after_classify",
    "route_after_extract",
    "route_after_parse",
    "route_after_review",
    "route_after_validate",
]
