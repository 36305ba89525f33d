"""The HTTP app `langgraph.json` names (`http.app`): no routes of its own; the server's lifetime, resumes, deletions.

LangGraph's server runs this app's lifespan inside its own, and its middleware around every request: a resume
with no open review to answer is refused with the reason (`claimflow.runtime.server.resumes`), and a thread's
deletion gives up the review its claimflow run waits on (`claimflow.runtime.server.deletions`).
When the server stops (SIGINT, SIGTERM), the engines the graph opened (registry, checkpointer, document store,
their connections and pools) are closed on the server's event loop, not left to the interpreter's exit, where
their generators were torn down in no order and printed tracebacks.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.middleware import Middleware

from claimflow.runtime.server.context import ENGINES
from claimflow.runtime.server.deletions import ThreadDeletions
from claimflow.runtime.server.resumes import ResumeChecks

_log = logging.getLogger(__name__)


@asynccontextmanager
async def lifespan(_: Starlette) -> AsyncIterator[None]:
    """Nothing to open at start (engines open on the first run); close the engines when the server stops."""
    yield
    await ENGINES.aclose()
    _log.info("claimflow engines closed")


app = Starlette(lifespan=lifespan, middleware=[Middleware(ResumeChecks), Middleware(ThreadDeletions)])
"""The app `langgraph.json`'s `http.app` points at."""
