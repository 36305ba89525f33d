"""A batch an embedding program cancels leaves every run it registered for `recover`, none of them half-written.

The runs are leased to the program's process, whose heartbeat renews the leases as long as it lives: held
after the cancellation, they would look busy to `recover` (of this process or any other) until it exits.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from claimflow.nodes.ports import ModelInput, ModelResult
from claimflow.prompts import PromptSpec
from claimflow.runtime.batch import process_files
from claimflow.runtime.engine import open_engine
from claimflow.runtime.sources import expand
from tests.integration._batches import invoices
from tests.integration._fake_models import ScriptedGateway


class _StallsOnce(ScriptedGateway):
    """The rules backend, except that its first call never answers: a slow model its caller gives up on."""

    def __init__(self) -> None:
        super().__init__("rules")
        self.stalled = asyncio.Event()

    async def complete(self, prompt: PromptSpec[Any], request: ModelInput) -> ModelResult[Any]:
        if not self.stalled.is_set():
            self.stalled.set()
            await asyncio.Event().wait()
        return await super().complete(prompt, request)


async def test_a_cancelled_batch_lets_go_of_every_run_it_registered(data_dir: Path, docs_dir: Path) -> None:
    invoices(docs_dir, 4)
    gateway = _StallsOnce()
    async with open_engine(data_dir=data_dir, gateway=gateway) as engine:
        batch = asyncio.create_task(process_files(engine, expand([docs_dir]).files, concurrency=1))
        await gateway.stalled.wait()  # the first invoice waits for its model; the next ones are registered
        batch.cancel()
        with pytest.raises(asyncio.CancelledError):
            await batch

        left = await engine.runs()
        assert len(left) >= 2  # the one under way, and at least one registered for the worker to take
        assert {(row.status, row.lease_owner) for row in left} == {("running", None)}
        recovered = await engine.recover()

    assert sorted(row.run_id for row in recovered) == sorted(row.run_id for row in left)
    assert {row.status for row in recovered} == {"completed"}
