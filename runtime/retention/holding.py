"""Holding the runs an erase works on, so that nothing else changes them meanwhile.

A finished run can still be changed by others while it is erased: a failed one run again (`rerun`, in this process
or another, a server's `POST /v1/runs/{id}/rerun`) makes a new run of the same document, whose blobs the erase,
having checked no other run shares them, would take from under it. Each run is therefore held, as `rerun` holds it,
by its lease, under an owner of the erase's own (the engine's other work, a server's pool or a decision, claims as
the engine and would not be kept out by a lease of the engine's). In production mode the run's advisory lock is
held too, as a worker holds it: a job delivered again for a finished run would otherwise take the lease over.

The lease comes first: taking the advisory lock clears a lease of another owner (one left by a frozen worker), and
a `rerun` holds the lease alone.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from claimflow.runtime.registry import RunRow
from claimflow.runtime.registry.runs import close_owner, engine_owner

if TYPE_CHECKING:
    from claimflow.runtime.engine import Engine


@asynccontextmanager
async def holding(engine: Engine, rows: list[RunRow]) -> AsyncIterator[None]:
    """Hold each run's lease (and in production mode its advisory lock) while the block runs; given back after.

    Raises RunBusyError (RunLockedError) at once, with nothing held, for a run someone else holds or a run whose
    status changed since it was read. Each run is given back as the block left it (its error, erased or not).
    """
    owner = engine_owner()
    claimed: list[str] = []
    try:
        for row in rows:
            await engine.registry.claim(row.run_id, owner=owner, allowed=(row.status,), status=row.status)
            claimed.append(row.run_id)
        url = engine.settings.database_url
        if engine.queued and url and claimed:
            from claimflow.runtime.queue.lock import runs_locks  # noqa: PLC0415 - Postgres only

            async with runs_locks(url, claimed, owner=owner):  # one session for them all, however many
                yield
        else:
            yield
    finally:
        for run_id in claimed:
            with contextlib.suppress(Exception):  # a run left held is taken back once this owner is closed
                now = await engine.registry.get_run(run_id)
                await engine.registry.release(
                    run_id, owner=owner, status=now.status, interrupt_id=now.interrupt_id, error=now.error
                )
        close_owner(owner)


__all__ = ["holding"]
