"""A step of a document's run commits once: its task's writes go with its checkpoint, in one trip to the saver.

Except the delivery's, when the run delivers: a node that acts outside the run has its writes committed the moment it
ends.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from claimflow.doctypes import BUILTIN_TYPES
from claimflow.runtime.engine import open_engine
from claimflow.runtime.settings import Settings
from tests.integration._delivery import SECRET
from tests.integration._docs import invoice_text, write
from tests.integration._receiver import webhook_receiver
from tests.runtime.test_sqlite_saver import _count_trips


async def _trips_of_a_run(settings: Settings, path: Path) -> tuple[list[str], int]:
    """The trips to the checkpoint database's thread of one run to its end, and the run's checkpoints."""
    async with open_engine(settings, types=BUILTIN_TYPES) as engine:
        trips = _count_trips(engine.graph.checkpointer)  # type: ignore[arg-type]
        run = await engine.process(path)
        assert run.status == "completed"
        written = list(trips)
        config: Any = {"configurable": {"thread_id": run.run_id}}
        checkpoints = [snapshot async for snapshot in engine.graph.aget_state_history(config)]
        history = [saved async for saved in engine.graph.checkpointer.alist(config)]  # type: ignore[union-attr]
    assert len(checkpoints) >= 10 and checkpoints[1].next == ("deliver",) and checkpoints[0].next == ()
    # Every step's writes were stored all the same, with the checkpoint before the one they made.
    assert all(saved.pending_writes for saved in history[1:])
    return written, len(checkpoints)


async def test_each_step_of_a_run_is_one_trip_to_the_checkpoint_database(data_dir: Path, docs_dir: Path) -> None:
    path = write(docs_dir, "invoice.txt", invoice_text("NW-2024-0007"))
    written, checkpoints = await _trips_of_a_run(Settings(data_dir=data_dir), path)
    # The run's start reads where it stands; then every checkpoint is one trip, with the writes that made it.
    assert written == ["read"] + ["transaction"] * checkpoints


async def test_a_delivering_runs_delivery_writes_are_committed_the_moment_it_ends(
    data_dir: Path, docs_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(docs_dir, "invoice.txt", invoice_text("NW-2024-0008"))
    with webhook_receiver(SECRET) as receiver:
        monkeypatch.setenv("CLAIMFLOW_DELIVER", f"webhook:{receiver.url}")
        monkeypatch.setenv("CLAIMFLOW_DELIVER_SECRET", SECRET)
        written, checkpoints = await _trips_of_a_run(Settings.load(data_dir=data_dir), path)
        assert len(receiver.received) == 1
    # One trip more: the delivery's writes, before the last checkpoint.
    assert written == ["read"] + ["transaction"] * (checkpoints + 1)
