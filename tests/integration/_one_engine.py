"""The LangGraph server's engines, stood in for by one open engine: for tests that run the server's graph in-process."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from claimflow.runtime.engine import Engine
from claimflow.runtime.server.context import ServerContext


class OneEngine:
    """Stands for the server's engines: every request gets this one."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    async def get(self, context: ServerContext | None) -> Engine:
        """The one engine, whatever the run's context asks."""
        return self.engine

    @asynccontextmanager
    async def in_use(self) -> AsyncIterator[None]:
        """Nothing to keep open: the test closes the engine itself."""
        yield
