"""The events journal: each step's events go to the events table once its checkpoint is written.

A step's events travel in the checkpoint (state keeps the last step's) and are appended to the events table
by a background task, in batches (several steps, several runs, one transaction), so no run waits on the
audit trail. A run that pauses or ends `take`s what is still queued of its own and writes it in the same trip
to the registry as its new status. Appends are idempotent by event id. A crash between a checkpoint and the
append loses nothing: the checkpoint history still holds every step's events, and `restore` appends whatever
the table lacks before a run is continued.

A batch that cannot be written concerns the runs it holds, and no other: their events are kept back (with
every later event of theirs, so each run's order holds) for each run's own trip, where a lasting fault fails
that run and not whichever run happened to write next.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Sequence
from typing import Any

from claimflow.runtime.registry import AsyncRegistry
from claimflow.runtime.unavailable import unavailable_reason
from claimflow.state.events import Event

_log = logging.getLogger("claimflow")

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
        self._kept_back: dict[str, list[Event]] = {}
        """Per run, events a batch could not write, and the run's later ones: they wait for its own trip."""
        self._retry = False  # a flush asks the writer to try the kept-back events again
        self._failure: BaseException | None = None  # the last failed batch's error, for flush to raise

    def add(self, run_id: str, events: Sequence[Event]) -> None:
        """Queue a step's events; they are written within the batch window, in order."""
        if not events:
            return
        self._pending.append((run_id, events))
        self._start_writer()

    def _start_writer(self) -> None:
        self._idle.clear()
        self._queued.set()
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._write(), name="claimflow-events")

    async def _write(self) -> None:
        while True:
            if not self._pending and not self._retry:
                self._idle.set()
                self._queued.clear()
                self._wake.clear()
                await self._queued.wait()
                continue
            # Let a step or several of every run join the batch: one transaction instead of one per step.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.window_s)
            self._wake.clear()
            batch = self._next_batch()
            if not batch:  # a pausing run took its events meanwhile
                continue
            self._writing = frozenset(run_id for run_id, _ in batch)
            self._written.clear()
            try:
                await self._registry.append_many(batch)
            except Exception as error:  # noqa: BLE001 - kept back for each run's own trip; checkpoints hold them too
                for run_id, events in batch:
                    self._kept_back.setdefault(run_id, []).extend(events)
                self._failure = error
                # A database gone stops the runs themselves with one message each: no word here on top of it.
                _log.log(
                    logging.DEBUG if unavailable_reason(error) is not None else logging.WARNING,
                    "events of run(s) %s could not be written yet (%s: %s); each run writes them with its status",
                    ", ".join(sorted(self._writing)),
                    type(error).__name__,
                    error,
                )
            finally:
                self._writing = frozenset()
                self._written.set()

    def _next_batch(self) -> list[tuple[str, Sequence[Event]]]:
        """What is queued, to write now: with the kept-back events first if a flush asked, else without their runs."""
        queued, self._pending = self._pending, []
        if self._retry:
            kept, self._kept_back, self._retry = self._kept_back, {}, False
            return [*kept.items(), *queued]
        # A run whose earlier events wait to be written keeps its later ones back too, so its order holds.
        batch = []
        for run_id, events in queued:
            if run_id in self._kept_back:
                self._kept_back[run_id].extend(events)
            else:
                batch.append((run_id, events))
        return batch

    async def take(self, run_id: str) -> list[Event]:
        """The run's queued events, no longer queued: for the caller to write in a trip of its own.

        Those a failed batch kept back come first. Returned only once no batch holding earlier events of the run
        is still being written, so whoever writes them next keeps the run's events in order. Another run's failed
        write is not this run's error.
        """
        while run_id in self._writing:
            await self._written.wait()
        taken = self._kept_back.pop(run_id, [])
        taken += [event for queued, events in self._pending if queued == run_id for event in events]
        self._pending = [(queued, events) for queued, events in self._pending if queued != run_id]
        if not self._pending and not self._writing:
            self._idle.set()
        return taken

    async def flush(self) -> None:
        """Write everything queued now, and what failed batches kept back, and wait for it.

        Raises the last write error if some events could still not be written: they stay kept back for their
        runs' own trips (and their checkpoints hold them).
        """
        self._retry = bool(self._kept_back)
        if self._pending or self._retry:
            self._start_writer()
            self._wake.set()
        await self._idle.wait()
        if self._kept_back and self._failure is not None:
            raise self._failure

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
