"""The engine's heartbeat: the leases of the runs it holds are renewed while its process lives.

A lease ends `LEASE_SECONDS` after it was taken; a run that takes longer (slow model calls, a long queue) would
otherwise look abandoned to `recover` while its process is still working on it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from claimflow.runtime.registry import LEASE_SECONDS, AsyncRegistry

HEARTBEAT_SECONDS = LEASE_SECONDS / 10
"""How often the leases are renewed: many beats may be missed before a lease runs out."""

_log = logging.getLogger("claimflow")


async def _beat(registry: AsyncRegistry, owner: str, every: float) -> None:
    while True:
        await asyncio.sleep(every)
        try:
            await registry.renew_leases(owner)
        except Exception as error:  # noqa: BLE001 - a missed beat is harmless; the next one tries again
            _log.debug("claimflow could not renew its leases: %s", error)


@contextlib.asynccontextmanager
async def heartbeat(registry: AsyncRegistry, owner: str, every: float = HEARTBEAT_SECONDS) -> AsyncIterator[None]:
    """Renew `owner`'s leases every `every` seconds while the block runs."""
    task = asyncio.create_task(_beat(registry, owner, every), name="claimflow-heartbeat")
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
