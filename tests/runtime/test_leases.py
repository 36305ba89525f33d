"""Leases: a run is leased to the process that registers it, and its heartbeat keeps the lease from running out."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from pathlib import Path

from claimflow.runtime.engine.heartbeat import heartbeat
from claimflow.runtime.registry import LEASE_SECONDS, AsyncRegistry, NewRun, Registry, process_owner
from claimflow.state.documents import DocumentRef

DOCUMENT = DocumentRef(document_id="a" * 64, filename="invoice.txt", media_type="text/plain", size=1)


async def test_a_registered_run_is_leased_and_the_heartbeat_renews_only_its_owners_leases(tmp_path: Path) -> None:
    registry = AsyncRegistry(Registry(tmp_path / "claimflow.db"), threads=1)
    owner = process_owner()
    try:
        for run_id, holder in (("ours", owner), ("theirs", "elsewhere:1")):
            await registry.create_run(
                NewRun(run_id=run_id, document=DOCUMENT, workflow="w", workflow_version="v", model="m", owner=holder)
            )
        assert await registry.stale_runs() == []  # queued, but leased to a live process
        almost_out = time.time() + 1
        with sqlite3.connect(tmp_path / "claimflow.db") as db:
            db.execute("UPDATE runs SET lease_until = ?", (almost_out,))

        async with heartbeat(registry, owner, every=0.05):
            deadline = time.monotonic() + 30
            while (await registry.get_run("ours")).lease_until == almost_out and time.monotonic() < deadline:
                await asyncio.sleep(0.05)

        ours, theirs = await registry.get_run("ours"), await registry.get_run("theirs")
    finally:
        registry.close()
    assert ours.lease_owner == owner and ours.lease_until is not None
    assert ours.lease_until > time.time() + LEASE_SECONDS / 2
    assert theirs.lease_until == almost_out
