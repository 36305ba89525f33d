"""An engine keeps the states of the runs it finished: a run just processed is shown without reading its checkpoint
back, and a run that is still open is always read afresh (another process may move it on)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from claimflow.doctypes import BUILTIN_TYPES
from claimflow.runtime.engine import open_engine
from claimflow.runtime.settings import Settings
from claimflow.state.review import ReviewDecision
from tests.integration._docs import invoice_text, mismatch_invoice_text, write


def _count_checkpoint_reads(engine: Any) -> list[int]:
    reads = [0]
    read = engine.graph.aget_state

    async def counted(*args: Any, **kwargs: Any) -> Any:
        reads[0] += 1
        return await read(*args, **kwargs)

    engine.graph.aget_state = counted
    return reads


async def test_a_run_just_finished_is_shown_without_reading_its_checkpoint(data_dir: Path, docs_dir: Path) -> None:
    document = write(docs_dir, "invoice.txt", invoice_text())
    async with open_engine(Settings(data_dir=data_dir), types=BUILTIN_TYPES) as engine:
        reads = _count_checkpoint_reads(engine)
        run = await engine.process(document)
        shown = await engine.view(run.run_id)
        assert run.status == shown.status == "completed"
        assert reads == [0]
    async with open_engine(Settings(data_dir=data_dir), types=BUILTIN_TYPES) as other:
        assert await other.view(run.run_id) == shown  # what another process reads from the checkpoint


async def test_a_paused_run_is_read_afresh_after_another_engine_decided_it(data_dir: Path, docs_dir: Path) -> None:
    document = write(docs_dir, "mismatch.txt", mismatch_invoice_text())
    settings = Settings(data_dir=data_dir)
    async with open_engine(settings, types=BUILTIN_TYPES) as engine:
        run = await engine.process(document)
        assert run.status == "needs_review"
        async with open_engine(settings, types=BUILTIN_TYPES) as reviewer:
            await reviewer.decide(run.run_id, ReviewDecision(reviewer="ann", action="approve"))
        state = await engine.state(run.run_id)
        assert state is not None and state.outcome == "completed"
