"""`claimflow serve`: a REST API over the embedding API, with tokens and roles.

One module per resource; dependencies in `deps`, wire models in `schemas`. The routes do HTTP only: every
decision is the engine's, as in the CLI.
"""

from claimflow.runtime.service.app import create_app
from claimflow.runtime.service.deps import (
    Authenticate,
    CurrentPrincipal,
    EngineDep,
    Principal,
    Reader,
    Reviewer,
    Submitter,
    Watcher,
    authenticate,
    require,
    visible_run,
)

__all__ = [
    "Authenticate",
    "CurrentPrincipal",
    "EngineDep",
    "Principal",
    "Reader",
    "Reviewer",
    "Submitter",
    "Watcher",
    "authenticate",
    "create_app",
    "require",
    "visible_run",
]
