"""The events journal: queued events reach the events table within the batch window, and a pausing or ending
run takes what is still queued of its own, in order, to write with its new status."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import pytest

from claimflow.runtime.engine.journal import EventJournal
from claimflow.runtime.registry import AsyncRegistry, Registry
from claimflow.state.events import Event, event

WINDOW_S = 0.02


class GatedRegistry(AsyncRegistry):
    """A registry whose batched appends wait for `gate` (when it is closed), or fail with `error` (when set)."""

    def __init__(self, registry: Registry) -> None:
        super().__init__(registry, threads=1)
        self.gate = asyncio.Event()
        self.gate.set()
        self.started = asyncio.Event()
        self.error: Exception | None = None

    async def append_many(self, batches: Sequence[tuple[str, Sequence[Event]]]) -> int:
        self.started.set()
        await self.gate.wait()
        if self.error is not None:
            raise self.error
        return await super().append_many(batches)


@pytest.fixture
async def registry(tmp_path: Path) -> AsyncIterator[GatedRegistry]:
    opened = GatedRegistry(Registry(tmp_path / "claimflow.db"))
    try:
        yield opened
    finally:
        opened.close()


async def stored(registry: AsyncRegistry, run_id: str) -> list[str]:
    return [row["event_id"] for row in await registry.events(run_id)]


async def eventually_stored(registry: AsyncRegistry, run_id: str, expected: list[str]) -> list[str]:
    """The run's stored event ids once they are `expected`, or as they stand after a generous wait."""
    for _ in range(200):
        found = await stored(registry, run_id)
        if found == expected:
            break
        await asyncio.sleep(WINDOW_S)
    return found


def steps(count: int) -> list[Event]:
    return [event("step.completed", f"step_{index}") for index in range(count)]


async def test_events_queued_after_a_write_are_written_within_the_window_without_a_flush(
    registry: GatedRegistry,
) -> None:
    journal = EventJournal(registry, window_s=WINDOW_S)
    first, second = steps(2), steps(3)
    journal.add("run", first)
    assert await eventually_stored(registry, "run", [e.event_id for e in first]) == [e.event_id for e in first]
    # The writer has gone idle; a step queued now must not wait for a run to pause or end.
    journal.add("run", second)
    expected = [e.event_id for e in first + second]
    assert await eventually_stored(registry, "run", expected) == expected
    await journal.close()


async def test_take_hands_over_only_the_runs_queued_events_in_order_and_the_rest_are_still_written(
    registry: GatedRegistry,
) -> None:
    journal = EventJournal(registry, window_s=60.0)  # nothing is written by the window during the test
    ours_first, theirs, ours_then = steps(2), steps(1), steps(2)
    journal.add("ours", ours_first)
    journal.add("theirs", theirs)
    journal.add("ours", ours_then)

    taken = await journal.take("ours")

    assert taken == ours_first + ours_then
    assert await journal.take("ours") == []  # taken once: the journal no longer holds them
    await journal.flush()  # writes what is left: the other run's events, and not ours
    assert await stored(registry, "theirs") == [e.event_id for e in theirs]
    assert await stored(registry, "ours") == []
    await journal.close()


async def test_take_waits_for_a_batch_holding_the_runs_earlier_events_to_be_written(
    registry: GatedRegistry,
) -> None:
    journal = EventJournal(registry, window_s=WINDOW_S)
    earlier, later = steps(2), steps(2)
    registry.gate.clear()
    journal.add("run", earlier)
    await asyncio.wait_for(registry.started.wait(), 5)  # the batch with the earlier events is being written
    journal.add("run", later)

    taking = asyncio.create_task(journal.take("run"))
    await asyncio.sleep(WINDOW_S * 5)
    assert not taking.done()  # writing the later events now could put them before the earlier ones

    registry.gate.set()
    assert await asyncio.wait_for(taking, 5) == later
    assert await stored(registry, "run") == [e.event_id for e in earlier]
    await journal.close()


async def test_a_failed_batch_is_kept_back_for_its_runs_with_their_later_events_and_not_raised_to_others(
    registry: GatedRegistry,
) -> None:
    journal = EventJournal(registry, window_s=WINDOW_S)
    registry.error = OSError("disk full")
    failed, later, theirs = steps(2), steps(1), steps(1)
    journal.add("run", failed)
    await asyncio.wait_for(registry.started.wait(), 5)
    await eventually_idle(journal)  # the batch failed
    registry.error = None
    journal.add("run", later)  # must not be written before the failed batch's events: it is kept back too
    journal.add("other", theirs)

    assert await journal.take("other") == theirs  # another run's failure is not raised to this one
    await asyncio.sleep(WINDOW_S * 5)
    assert await stored(registry, "run") == []
    assert await journal.take("run") == failed + later  # for the run's own trip, in order
    assert await journal.take("run") == []
    await journal.close()


async def test_flush_tries_the_kept_back_events_again_and_raises_only_while_they_cannot_be_written(
    registry: GatedRegistry,
) -> None:
    journal = EventJournal(registry, window_s=WINDOW_S)
    registry.error = OSError("disk full")
    failed = steps(2)
    journal.add("run", failed)
    await asyncio.wait_for(registry.started.wait(), 5)
    await eventually_idle(journal)
    with pytest.raises(OSError, match="disk full"):
        await journal.flush()
    assert await stored(registry, "run") == []

    registry.error = None
    await journal.flush()
    assert await stored(registry, "run") == [e.event_id for e in failed]
    assert await journal.take("run") == []  # written once, not handed over again
    await journal.close()


async def eventually_idle(journal: EventJournal) -> None:
    """Wait until the journal's writer has nothing queued and no batch in flight."""
    await asyncio.wait_for(journal._idle.wait(), 5)
    await asyncio.wait_for(journal._written.wait(), 5)
