"""The sweep inside `claimflow serve`: `engine.sweep_reviews()` every `CLAIMFLOW_SWEEP_SECONDS`, beside the requests.

The sweep is a task on the server's event loop, so requests are answered while it waits or works. A sweep that
fails is logged and the next one comes at its time; stopping lets a sweep under way finish (it holds run leases
that it gives back at its end) and then ends the task.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable

from claimflow.runtime.engine import Engine

__all__ = ["Sweeper"]

_log = logging.getLogger("claimflow.serve.sweep")


class Sweeper:
    """Sweeps the engine's overdue reviews every `seconds`, from its start (the first sweep at once) to `close`."""

    def __init__(self, engine: Engine, seconds: float, clock: Callable[[], float] = time.time) -> None:
        """`clock` gives each sweep's `now` (Unix time): a program or a test with a clock of its own."""
        self.engine, self.seconds, self.clock = engine, seconds, clock
        self.sweeps = 0
        """Sweeps begun, failed ones included."""
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Begin sweeping in the background; nothing when `seconds` is 0 (sweeping is off)."""
        if self.seconds > 0 and self._task is None:
            self._task = asyncio.create_task(self._loop(), name="claimflow-sweep")

    async def _loop(self) -> None:
        while not self._stop.is_set():
            await self.sweep_once()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), self.seconds)

    async def sweep_once(self) -> None:
        """One sweep; a failure is logged, never raised, so the next sweep still comes."""
        self.sweeps += 1
        try:
            outcomes = await self.engine.sweep_reviews(now=self.clock())
        except Exception:
            _log.exception("the review sweep failed; the next one runs in %s s", self.seconds)
            return
        for outcome in outcomes:
            level = logging.WARNING if outcome.action == "failed" else logging.INFO
            more = f": {outcome.detail}" if outcome.detail else ""
            action, who = outcome.action, outcome.assignee
            _log.log(level, "review of run %s %s (assignee %s)%s", outcome.run_id, action, who, more)

    async def close(self) -> None:
        """Stop sweeping; a sweep under way ends first, so it gives back every run it holds."""
        self._stop.set()
        if self._task is not None:
            await self._task
            self._task = None
