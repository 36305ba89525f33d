"""A step of a document's run commits once: its task's writes go with its checkpoint, in one trip to the saver.

Except the delivery's: a node that acts outside the run has its writes committed the moment it ends.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from claimflow.doctypes import BUILTIN_TYPES
from claimflow.runtime.engine import open_engine
from claimflow.runtime.settings import Settings
from tests.integration._docs import invoice_text, write
from tests.runtime.test_sqlite_saver import _count_trips


async def test_each_step_of_a_run_is_one_trip_to_the_checkpoint_database(data_dir: Path, docs_dir: Path) -> None:
    path = write(docs_dir, "invoice.txt", invoice_text("NW-2024-0007"))
    async with open_engine(Settings(data_dir=data_dir), types=BUILTIN_TYPES) as engine:
        trips = _count_trips(engine.graph.checkpointer)  # type: ignore[arg-type]
        run = await engine.process(path)
        assert run.status == "completed"
        written = list(trips)
        config: Any = {"configurable": {"thread_id": run.run_id}}
        checkpoints = [snapshot async for snapshot in engine.graph.aget_state_history(config)]
        history = [saved async for saved in engine.graph.checkpointer.alist(config)]  # type: ignore[union-attr]
    # The run's start reads where it stands; then every checkpoint is one trip, with the writes that made it, and
    # the delivery's writes one more, before the last checkpoint.
    assert written == ["read"] + ["transaction"] * (len(checkpoints) + 1)
    assert checkpoints[1].next == ("deliver",) and checkpoints[0].next == ()
    assert len(checkpoints) >= 10
    # Every step's writes were stored all the same, with the checkpoint before the one they made.
    assert all(saved.pending_writes for saved in history[1:])
