"""Leases: a run is leased to the process that registers it, and its heartbeat keeps the lease from running out."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from pathlib import Path

import pytest

from claimflow.runtime.engine import open_engine
from claimflow.runtime.engine.heartbeat import heartbeat
from claimflow.runtime.registry import LEASE_SECONDS, AsyncRegistry, NewRun, Registry, RunBusyError, process_owner
from claimflow.runtime.settings import Settings
from claimflow.state.documents import DocumentRef
from tests.integration._docs import invoice_text, write

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


async def test_two_engines_of_one_process_are_two_owners_until_the_holder_is_closed(tmp_path: Path) -> None:
    """A run one engine holds is busy to another engine of the same process, and free once the first is closed.

    Both engines used to lease as the process (host and pid), so the second could claim and advance the run the
    first was working on.
    """
    path = write(tmp_path / "docs", "invoice.txt", invoice_text())
    settings = Settings(data_dir=tmp_path / "data")
    async with open_engine(settings) as first:
        row, new = await first.register(path)
        assert new and row.lease_owner == first.owner
        async with open_engine(settings) as second:
            assert second.owner != first.owner
            with pytest.raises(RunBusyError, match=first.owner):
                await second.start(row.run_id)
            assert await second.recover() == []  # held by a live engine: not left behind
            assert (await second.registry.get_run(row.run_id)).status == "queued"
    async with open_engine(settings) as third:
        [recovered] = await third.recover()  # its holder closed: the run is taken at once, no lease to wait out
    assert recovered.run_id == row.run_id and recovered.status == "completed"
