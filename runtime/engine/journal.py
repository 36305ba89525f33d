"""The events journal: each step's events go to the events table once its checkpoint is written.

A step's events travel in the checkpoint (state keeps the last step's) and are appended to the events table
by a background task, in batches (several steps, several runs, one transaction), so no run waits on the
audit trail. Appends are idempotent by event id. A crash between a checkpoint and the append loses nothing:
the checkpoint history still holds every step's events, and `restore` appends whatever the table lacks
before a run is continued.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Sequence
from typing import Any

from claimflow.runtime.registry import AsyncRegistry
from claimflow.state.events import Event


class EventJournal:
    """Appends queued events in the background; `flush` waits until everything queued is written."""

    def __init__(self, registry: AsyncRegistry) -> None:
        self._registry = registry
        self._queue: asyncio.Queue[tuple[str, Sequence[Event]]] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self._error: BaseException | None = None

    def add(self, run_id: str, events: Sequence[Event]) -> None:
        """Queue a step's events; they are written soon after, in order."""
        if not events:
            return
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._write(), name="claimflow-events")
        self._queue.put_nowait((run_id, events))

    async def _write(self) -> None:
        while True:
            batch = [await self._queue.get()]
            while not self._queue.empty():
                batch.append(self._queue.get_nowait())
            try:
                await self._registry.append_many(batch)
            except Exception as error:  # noqa: BLE001 - kept for flush; the checkpoints still hold the events
                self._error = error
            finally:
                for _ in batch:
                    self._queue.task_done()

    async def flush(self) -> None:
        """Wait until every queued event is written; raise the write error, if one happened."""
        await self._queue.join()
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
