"""A batch an embedding program cancels leaves every run it registered for `recover`, none of them half-written.

The runs are leased to the program's process, whose heartbeat renews the leases as long as it lives: held
after the cancellation, they would look busy to `recover` (of this process or any other) until it exits.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from claimflow.runtime.batch import process_files
from claimflow.runtime.engine import open_engine
from claimflow.runtime.sources import expand
from tests.integration._batches import invoices
from tests.integration._fake_models import StallingGateway


async def test_a_cancelled_batch_lets_go_of_every_run_it_registered(data_dir: Path, docs_dir: Path) -> None:
    invoices(docs_dir, 4)
    gateway = StallingGateway()
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
