"""A LangGraph server's run cancelled mid-document (a client's cancel) gives claimflow's run up for `recover`.

The server's `advance` step, called as the server calls it, on an engine whose model stalls: cancelled, the
run is left where its last checkpoint put it and leased to nobody. Held by the server's live process, whose
heartbeat renews its leases, it would look busy to `claimflow recover` for as long as the server runs.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from langgraph.runtime import Runtime

from claimflow.runtime.engine import open_engine
from claimflow.runtime.server import graph as server_graph
from claimflow.runtime.server.context import ServerContext
from claimflow.runtime.server.graph import ServerState, advance
from tests.integration._docs import invoice_text, write
from tests.integration._fake_models import StallingGateway
from tests.integration._one_engine import OneEngine


async def test_a_cancelled_server_run_leaves_the_claimflow_run_for_recover(
    data_dir: Path, docs_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    invoice = write(docs_dir, "invoice.txt", invoice_text("NW-2024-0961"))
    gateway = StallingGateway()
    async with open_engine(data_dir=data_dir, gateway=gateway) as engine:
        monkeypatch.setattr(server_graph, "ENGINES", OneEngine(engine))
        row = await engine.admit("thread-1", path=invoice)
        runtime: Runtime[ServerContext] = Runtime(context=ServerContext())
        advancing = asyncio.create_task(advance(ServerState(run_id=row.run_id), runtime=runtime))
        await gateway.stalled.wait()
        advancing.cancel()
        with pytest.raises(asyncio.CancelledError):
            await advancing

        left = await engine.registry.get_run(row.run_id)
        assert left.status == "running" and left.lease_owner is None
        (recovered,) = await engine.recover()

    assert recovered.run_id == row.run_id and recovered.status == "completed"
