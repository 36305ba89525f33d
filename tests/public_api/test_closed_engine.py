"""An embedding program that uses an engine after its `open_engine` block ended is told so, whatever it calls."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

import claimflow
from tests.integration._docs import invoice_text, mismatch_invoice_text, write

Call = Callable[[claimflow.Engine, Path, str], Awaitable[Any]]


@pytest.mark.parametrize(
    "call",
    [
        lambda engine, path, run_id: engine.process(path),  # the document store first
        lambda engine, path, run_id: engine.runs(),  # the registry
        lambda engine, path, run_id: engine.state(run_id),  # the checkpoints
        lambda engine, path, run_id: engine.pending_review(run_id),
        lambda engine, path, run_id: engine.decide(run_id, claimflow.ReviewDecision(action="approve", reviewer="kim")),
    ],
    ids=["process", "runs", "state", "pending_review", "decide"],
)
async def test_a_closed_engine_refuses_every_call_saying_it_is_closed(tmp_path: Path, call: Call) -> None:
    paused = write(tmp_path, "mismatch.txt", mismatch_invoice_text())
    async with claimflow.open_engine(data_dir=tmp_path / "data") as engine:
        run = await engine.process(paused)
    assert run.status == "needs_review"

    with pytest.raises(claimflow.EngineClosedError, match="open_engine"):
        await call(engine, write(tmp_path, "invoice.txt", invoice_text()), run.run_id)

    async with claimflow.open_engine(data_dir=tmp_path / "data") as again:  # nothing of it was lost or changed
        assert (await again.view(run.run_id)).status == "needs_review"
