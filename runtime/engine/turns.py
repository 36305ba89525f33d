"""Decisions on one run made through one engine take turns, so that of two concurrent ones exactly one applies."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

__all__ = ["RunTurns"]


class RunTurns:
    """A lock per run, taken around a decision's whole path (checks, claim, resume), forgotten once nobody waits.

    The registry keeps decisions of different processes apart by the run's lease, but every decision of one
    engine (a server's API requests, its review page, its sweep of overdue reviews) claims as the same lease
    owner: two concurrent ones would both pass the claim and resume the run twice. Taking turns, the second
    finds the run moved on and is refused (and recorded as refused), as a decision from another process is.
    """

    def __init__(self) -> None:
        self._locks: dict[str, asyncio.Lock] = {}
        self._takers: dict[str, int] = {}

    @asynccontextmanager
    async def turn(self, run_id: str) -> AsyncIterator[None]:
        """Wait until no other decision is being made on `run_id` here, and hold the run meanwhile."""
        lock = self._locks.setdefault(run_id, asyncio.Lock())
        self._takers[run_id] = self._takers.get(run_id, 0) + 1
        try:
            async with lock:
                yield
        finally:
            self._takers[run_id] -= 1
            if not self._takers[run_id]:  # nobody holds or waits: forget the run, so the dict stays small
                del self._takers[run_id], self._locks[run_id]
