"""A fault in writing a run's events is that run's alone, and never keeps a run from being recorded where it stands.

The journal writes steps' events in batches of several runs. A batch that cannot be written keeps its events back
for each run's own trip (its new status), so a passing fault loses no event and fails no run, and a lasting one
is not raised to another run that happens to write next. A run whose step failed is released as failed even when
its events cannot be written then: its checkpoints still hold them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from claimflow.doctypes import BUILTIN_TYPES
from claimflow.runtime.batch import process_files
from claimflow.runtime.engine import open_engine
from claimflow.runtime.engine.core import Engine
from claimflow.runtime.engine.journal import unwritten_events
from claimflow.runtime.settings import Settings
from claimflow.state.events import Event
from claimflow.state.review import ReviewDecision
from tests.integration._docs import invoice_text, mismatch_invoice_text, write

APPROVE = ReviewDecision.model_validate({"reviewer": "ann", "action": "approve"})


def fail_batches(engine: Engine, times: int) -> list[int]:
    """Make the journal's next `times` batch writes fail (as a constraint or a bad value would); returns the
    list the failed batches' sizes go to."""
    write = engine.registry.append_many
    failed: list[int] = []

    async def append_many(batches: Sequence[tuple[str, Sequence[Event]]]) -> int:
        if len(failed) < times:
            failed.append(sum(len(events) for _, events in batches))
            raise ValueError("the events table refused the batch")
        return await write(batches)

    engine.registry.append_many = append_many  # type: ignore[method-assign]
    return failed


async def checkpointed_but_unwritten(engine: Engine, run_id: str) -> list[Event]:
    config: Any = {"configurable": {"thread_id": run_id}}
    written = await engine.registry.event_ids(run_id)
    return await unwritten_events(engine.graph.aget_state_history(config), written)


async def checkpointed_events(engine: Engine, run_id: str) -> list[str]:
    """The ids of the events the run's checkpoints hold, oldest first, each once."""
    config: Any = {"configurable": {"thread_id": run_id}}
    history = [snapshot async for snapshot in engine.graph.aget_state_history(config)]
    ids = [e.event_id for snapshot in reversed(history) for e in (snapshot.values or {}).get("events", [])]
    return list(dict.fromkeys(ids))


async def test_a_batch_that_fails_loses_no_event_and_fails_no_run(data_dir: Path, docs_dir: Path) -> None:
    documents = [write(docs_dir, f"invoice-{n}.txt", invoice_text(f"NW-2024-01{n}")) for n in range(1, 5)]
    async with open_engine(Settings(data_dir=data_dir), types=BUILTIN_TYPES) as engine:
        engine.journal.window_s = 0.0  # each step's events are written as they come: the fault meets them
        # Two batches fail whatever the timing: the first can hold only the first two runs' events (concurrency
        # 2), and the last two runs start only after one of those ended, so their events go in a later batch.
        failed = fail_batches(engine, times=2)
        rows = await process_files(engine, documents, concurrency=2)
        runs = [(row.status, await engine.registry.events(row.run_id)) for row in rows]
        checkpointed = [await checkpointed_events(engine, row.run_id) for row in rows]

    assert len(failed) == 2 and all(failed)  # the batches did fail, with events in them
    assert [status for status, _ in runs] == ["completed"] * 4
    for (_, events), expected in zip(runs, checkpointed, strict=True):
        ids = [row["event_id"] for row in events]
        assert len(ids) == len(set(ids))  # no event twice ...
        # ... and every checkpointed one, in the order the steps ran (with the engine's own around them)
        assert [i for i in ids if i in set(expected)] == expected and len(expected) > 10


async def test_a_run_whose_step_failed_is_released_failed_though_its_events_cannot_be_written(
    data_dir: Path, docs_dir: Path
) -> None:
    document = write(docs_dir, "mismatch.txt", mismatch_invoice_text())
    settings = Settings(data_dir=data_dir)
    async with open_engine(settings, types=BUILTIN_TYPES) as engine:
        paused = await engine.process(document)
    assert paused.status == "needs_review"

    # The decision's resume runs out of the document's time, and the events can be neither read nor written.
    hurried = dataclasses.replace(settings, max_document_seconds=1e-6)
    async with open_engine(hurried, types=BUILTIN_TYPES) as engine:

        async def unreadable(run_id: str) -> set[str]:
            raise ValueError("the events table is unreadable")

        engine.registry.event_ids = unreadable  # type: ignore[method-assign]
        row = await engine.decide(paused.run_id, APPROVE)

    assert (row.status, row.lease_owner) == ("failed", None)  # not left resuming under this process's lease
    assert row.error is not None and "took longer than" in row.error
    async with open_engine(settings, types=BUILTIN_TYPES) as engine:
        decisions = await engine.registry.decisions(paused.run_id)
        await engine.restore_events(paused.run_id)  # what continuing or recovering a run does first
        missing = await checkpointed_but_unwritten(engine, paused.run_id)
    assert [d["outcome"] for d in decisions] in (["refused"], ["applied"])  # settled, not left pending
    assert missing == []  # the checkpoints kept what could not be written then
