"""The events journal: each step's events go to the events table once its checkpoint is written.

A step's events travel in the checkpoint (state keeps the last step's) and are appended to the events table
by a background task, in batches (several steps, several runs, one transaction), so no run waits on the
audit trail. A run that pauses or ends `take`s what is still queued of its own and writes it in the same trip
to the registry as its new status. Appends are idempotent by event id. A crash between a checkpoint and the
append loses nothing: the checkpoint history still holds every step's events, and `restore` appends whatever
the table lacks before a run is continued.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Sequence
from typing import Any

from claimflow.runtime.registry import AsyncRegistry
from claimflow.state.events import Event

BATCH_WINDOW_S = 0.2
"""How long queued events may wait to be written together; `flush` (a run pausing or ending) writes at once."""


class EventJournal:
    """Appends queued events in the background, in batches; `flush` waits until everything queued is written."""

    def __init__(self, registry: AsyncRegistry, *, window_s: float = BATCH_WINDOW_S) -> None:
        self._registry = registry
        self.window_s = window_s
        """How long the writer lets queued events gather before it writes them (read at each batch)."""
        self._pending: list[tuple[str, Sequence[Event]]] = []
        self._queued = asyncio.Event()  # something was queued: the writer's batch window starts
        self._wake = asyncio.Event()  # a flush: write now, without waiting out the window
        self._idle = asyncio.Event()
        self._idle.set()
        self._writing: frozenset[str] = frozenset()  # the runs whose events the batch being written holds
        self._written = asyncio.Event()  # set whenever no batch is being written
        self._written.set()
        self._task: asyncio.Task[None] | None = None
        self._error: BaseException | None = None

    def add(self, run_id: str, events: Sequence[Event]) -> None:
        """Queue a step's events; they are written within the batch window, in order."""
        if not events:
            return
        self._pending.append((run_id, events))
        self._idle.clear()
        self._queued.set()
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._write(), name="claimflow-events")

    async def _write(self) -> None:
        while True:
            if not self._pending:
                self._idle.set()
                self._queued.clear()
                self._wake.clear()
                await self._queued.wait()
                continue
            # Let a step or several of every run join the batch: one transaction instead of one per step.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.window_s)
            self._wake.clear()
            batch, self._pending = self._pending, []
            if not batch:  # a pausing run took its events meanwhile
                continue
            self._writing = frozenset(run_id for run_id, _ in batch)
            self._written.clear()
            try:
                await self._registry.append_many(batch)
            except Exception as error:  # noqa: BLE001 - kept for flush; the checkpoints still hold the events
                self._error = error
            finally:
                self._writing = frozenset()
                self._written.set()

    async def take(self, run_id: str) -> list[Event]:
        """The run's queued events, no longer queued: for the caller to write in a trip of its own.

        Returned only once no batch holding earlier events of the run is still being written, so whoever
        writes them next keeps the run's events in order. Raises the error of a write that failed, if one did.
        """
        while run_id in self._writing:
            await self._written.wait()
        self._raise_error()
        taken = [event for queued, events in self._pending if queued == run_id for event in events]
        self._pending = [(queued, events) for queued, events in self._pending if queued != run_id]
        if not self._pending and not self._writing:
            self._idle.set()
        return taken

    async def flush(self) -> None:
        """Write everything queued now and wait for it; raise the write error, if one happened."""
        if self._pending:
            self._wake.set()
        await self._idle.wait()
        self._raise_error()

    def _raise_error(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    async def close(self) -> None:
        """Flush, then stop the background task."""
        try:
            await self.flush()
        finally:
            if self._task is not None:
                self._task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self._task


async def unwritten_events(history: AsyncIterator[Any], written: set[str]) -> list[Event]:
    """Events in a run's checkpoint history (newest first) that the events table lacks, oldest first.

    The journal writes in order, so the walk stops at the first checkpoint whose events are all written.
    """
    missing: list[Event] = []
    seen = set(written)
    async for snapshot in history:
        events = [e for e in (snapshot.values or {}).get("events", []) if isinstance(e, Event)]
        if events and all(e.event_id in written for e in events):
            break
        new = [e for e in events if e.event_id not in seen]
        seen.update(e.event_id for e in new)
        missing[:0] = new
    return missing
