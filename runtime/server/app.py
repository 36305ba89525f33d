"""The HTTP app `langgraph.json` names (`http.app`): no routes of its own, only the server's lifetime.

LangGraph's server runs this app's lifespan inside its own. When the server stops (SIGINT, SIGTERM), the engines
the graph opened (registry, checkpointer, document store, their connections and pools) are closed on the
server's event loop, not left to the interpreter's exit, where their generators were torn down in no order and
printed tracebacks.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette

from claimflow.runtime.server.context import ENGINES

_log = logging.getLogger(__name__)


@asynccontextmanager
async def lifespan(_: Starlette) -> AsyncIterator[None]:
    """Nothing to open at start (engines open on the first run); close the engines when the server stops."""
    yield
    await ENGINES.aclose()
    _log.info("claimflow engines closed")


app = Starlette(lifespan=lifespan)
"""The app `langgraph.json`'s `http.app` points at."""
