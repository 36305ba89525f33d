"""Re-running a run the same engine works on: nothing is run twice, nothing is lost.

The engine's own work on a run (a decision resuming it, the server's pool advancing it) claims the run as the
engine; a re-run did too, and claims of one owner do not exclude each other. A decision made while the re-run
held the run resumed the run being superseded; a re-run of a run the pool was advancing superseded it under the
pool's feet. The re-run now holds the run as an owner of its own: the other work finds it held, and the re-run
finds the engine's work holding it. If the new run cannot be made, the old run is given back as it was.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

import claimflow
from claimflow.runtime.engine import Engine
from claimflow.runtime.registry import RunBusyError, RunRow
from claimflow.state.review import ReviewDecision
from tests.integration._docs import MEMO, write

REJECT = ReviewDecision(reviewer="kim", action="reject", reason="not a document we take")


async def _waiting(engine: Engine, tmp_path: Path) -> RunRow:
    """A memo's run, paused for review (no type fits it)."""
    run = await engine.process(write(tmp_path, "memo.txt", MEMO))
    assert run.status == "needs_review"
    return await engine.registry.get_run(run.run_id)


async def test_a_decision_made_while_the_run_is_being_superseded_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with claimflow.open_engine(data_dir=tmp_path / "data") as engine:
        waiting = await _waiting(engine, tmp_path)
        holding, go_on = asyncio.Event(), asyncio.Event()
        create = engine._create

        async def create_slowly(*args: Any, **kwargs: Any) -> RunRow:  # the re-run holds the old run meanwhile
            holding.set()
            await go_on.wait()
            return await create(*args, **kwargs)

        monkeypatch.setattr(engine, "_create", create_slowly)
        superseding = asyncio.create_task(engine.supersede(waiting.run_id))
        await holding.wait()
        with pytest.raises(RunBusyError, match="being processed by"):
            await engine.decide(waiting.run_id, REJECT, interrupt_id=waiting.interrupt_id)
        go_on.set()
        new = await superseding

        old = await engine.registry.get_run(waiting.run_id)
        assert (old.status, old.lease_owner) == ("failed", None)
        assert old.error is not None and old.error.startswith(f"superseded: run again as {new.run_id}")
        outcomes = [item["outcome"] for item in await engine.registry.decisions(waiting.run_id)]
        assert outcomes == ["refused"]  # recorded, and never applied
        events = [item["type"] for item in await engine.registry.events(waiting.run_id)]
        assert "review.decided" not in events and events[-1] == "run.superseded"
        # A reviewer deciding it now is told where its review went.
        with pytest.raises(RunBusyError, match=f"not waiting for review: it was superseded: run again as {new.run_id}"):
            await engine.decide(waiting.run_id, REJECT, interrupt_id=waiting.interrupt_id)


async def test_a_run_the_engine_is_advancing_is_not_superseded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    async with claimflow.open_engine(data_dir=tmp_path / "data") as engine:
        row, _ = await engine.register(write(tmp_path, "memo.txt", MEMO))
        started, go_on = asyncio.Event(), asyncio.Event()
        advance = engine._advance

        async def advance_slowly(*args: Any, **kwargs: Any) -> RunRow:  # the run is the engine's, mid-way
            started.set()
            await go_on.wait()
            return await advance(*args, **kwargs)

        monkeypatch.setattr(engine, "_advance", advance_slowly)
        advancing = asyncio.create_task(engine.start(row.run_id))
        await started.wait()
        with pytest.raises(RunBusyError, match=r"being processed by .* \(status running\)"):
            await engine.supersede(row.run_id)
        go_on.set()
        done = await advancing

        assert done.status == "needs_review" and done.error is None
        assert [run.run_id for run in await engine.registry.list_runs()] == [row.run_id]  # no second run


async def test_a_run_is_given_back_as_it_was_when_its_new_run_cannot_be_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with claimflow.open_engine(data_dir=tmp_path / "data") as engine:
        waiting = await _waiting(engine, tmp_path)

        async def no_room(*args: Any, **kwargs: Any) -> RunRow:
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(engine, "_create", no_room)
        with pytest.raises(OSError, match="No space left"):
            await engine.supersede(waiting.run_id)
        monkeypatch.undo()

        after = await engine.registry.get_run(waiting.run_id)
        assert (after.status, after.interrupt_id, after.error, after.lease_owner) == (
            "needs_review",
            waiting.interrupt_id,
            None,
            None,
        )
        decided = await engine.decide(waiting.run_id, REJECT, interrupt_id=waiting.interrupt_id)
        assert decided.status == "rejected"  # the review was still there to answer
