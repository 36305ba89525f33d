"""The server graph's context, and the engine it stands for: opened from claimflow's settings, once per model.

A LangGraph server builds the context from what its client sends (`context={...}`), an empty object when the
client sends none. So the context holds only what a client may choose, and every field is optional; all else
(data directory, database, policy, types, keys) comes from the server's CLAIMFLOW_* environment and
claimflow.toml, read as the CLI reads them.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from claimflow.runtime.engine import Engine, open_engine
from claimflow.runtime.settings import Settings


class ServerContext(BaseModel):
    """What a client may set for a run; claimflow's settings decide the rest."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    model: str | None = Field(default=None, min_length=1)
    """The model backend for this run (`rules`, `openai:<model>`, ...); CLAIMFLOW_MODEL when not given."""


SettingsLoader = Callable[..., Settings]


class Engines:
    """One open engine per model, per event loop, kept open while the server lives and closed when it stops.

    Opening one reads the settings, discovers the types, opens the registry, the checkpointer and the blobs:
    done once, not per request. Engines hold resources bound to their event loop (the checkpointer's
    connection, the lease heartbeat), so a server running graphs on several loops gets one on each, and each is
    closed on its own loop.
    """

    def __init__(self, load: SettingsLoader = Settings.load) -> None:
        self._load = load
        # Keyed by the loop itself, not its id: a closed loop's id may be reused by a new one.
        self._open: dict[tuple[asyncio.AbstractEventLoop, str | None], Engine] = {}
        self._stacks: dict[asyncio.AbstractEventLoop, list[AsyncExitStack]] = {}
        self._locks: dict[asyncio.AbstractEventLoop, asyncio.Lock] = {}
        self._busy: Counter[asyncio.AbstractEventLoop] = Counter()
        self._closing = False

    async def get(self, context: ServerContext | None) -> Engine:
        """The engine for `context` (its model, else CLAIMFLOW_MODEL), opened on first use."""
        model = context.model if context is not None else None
        loop = asyncio.get_running_loop()
        key = (loop, model)
        if key in self._open:
            return self._open[key]
        async with self._locks.setdefault(loop, asyncio.Lock()):
            if key not in self._open:
                self._open[key] = await self._start(model)
        return self._open[key]

    async def _start(self, model: str | None) -> Engine:
        settings = await asyncio.to_thread(self._load, model=model)
        stack = AsyncExitStack()
        try:
            engine = await stack.enter_async_context(open_engine(settings))
            # The workflow version hashes source files: read them here, off the loop, not at the first intake.
            await asyncio.to_thread(getattr, engine, "version")
        except BaseException:
            await stack.aclose()
            raise
        self._stacks.setdefault(asyncio.get_running_loop(), []).append(stack)
        return engine

    @asynccontextmanager
    async def in_use(self) -> AsyncIterator[None]:
        """Keep this loop's engines open while a step of the graph uses them.

        The server stops its app (`aclose`) before it cancels the runs still going: an engine closed then would
        fail them half-way, where a cancelled run gives its claimflow run up cleanly. So closing waits for the
        last step to leave, and that step closes them.
        """
        loop = asyncio.get_running_loop()
        self._busy[loop] += 1
        try:
            yield
        finally:
            self._busy[loop] -= 1
            if self._closing and not self._busy[loop]:
                await self._close(loop)

    async def aclose(self) -> None:
        """Close every engine of this loop, now or, while a step uses them, when the last one leaves.

        From then on an engine is closed when no step uses it: one opened by a step that starts while the
        server stops is closed at that step's end, and so are those of another loop, at the end of their step
        there. Tests call this at their end.
        """
        self._closing = True
        loop = asyncio.get_running_loop()
        if not self._busy[loop]:
            await self._close(loop)

    async def _close(self, loop: asyncio.AbstractEventLoop) -> None:
        # Forgotten before closing: a step starting meanwhile opens an engine of its own.
        for key in [key for key in self._open if key[0] is loop]:
            del self._open[key]
        for stack in reversed(self._stacks.pop(loop, [])):
            await stack.aclose()


ENGINES = Engines()
"""The server process's engines."""


def context_of(value: Any) -> ServerContext | None:
    """The run's context as the server passed it: a ServerContext, a plain object, or nothing."""
    if value is None or isinstance(value, ServerContext):
        return value
    return ServerContext.model_validate(value)
