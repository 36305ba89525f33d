"""The server's worker pool: uploaded runs advance in the background, a bounded number at once.

A run the server was advancing when it stopped is left with its lease released, so the next start's
`recover` (or any `claimflow recover`) continues it from its last checkpoint.
"""

from __future__ import annotations

import asyncio
import logging

from claimflow.runtime.engine import Engine
from claimflow.runtime.registry import IN_PROGRESS, RunBusyError

_log = logging.getLogger("claimflow.serve")


class RunPool:
    """Advances runs with `Engine.start`, at most `concurrency` at once; the rest wait their turn, queued."""

    def __init__(self, engine: Engine, concurrency: int) -> None:
        if concurrency < 1:
            raise ValueError(f"concurrency must be at least 1, got {concurrency}")
        self.engine = engine
        self.concurrency = concurrency
        self._slots = asyncio.Semaphore(concurrency)
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._recovering: asyncio.Task[None] | None = None

    def start(self, run_id: str) -> None:
        """Advance the run in the background (once: a run already in the pool is not started twice)."""
        if run_id not in self._tasks:
            self._tasks[run_id] = asyncio.create_task(self._advance(run_id), name=f"run {run_id}")

    async def _advance(self, run_id: str) -> None:
        try:
            async with self._slots:
                await self.engine.start(run_id)
        except RunBusyError:
            pass  # another live process advances it
        except Exception:  # noqa: BLE001 - the run stays where it stands; the server keeps serving
            _log.exception("run %s stopped; `claimflow recover` continues it", run_id)
        finally:
            self._tasks.pop(run_id, None)

    def recover(self) -> None:
        """Continue, in the background, the runs a stopped process left queued, running or resuming."""

        async def recover() -> None:
            try:
                await self.engine.recover(concurrency=self.concurrency)
            except Exception:  # noqa: BLE001 - serving goes on; the runs wait for the next recover
                _log.exception("recovering runs left by a stopped process failed")

        self._recovering = asyncio.create_task(recover(), name="recover")

    async def close(self) -> None:
        """Stop advancing runs; release the lease of each unfinished one, so the next start continues it."""
        tasks = list(self._tasks.values()) + ([self._recovering] if self._recovering else [])
        running = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for run_id in running:
            row = await self.engine.registry.get_run(run_id)
            if row.status in IN_PROGRESS and row.lease_owner == self.engine.owner:
                await self.engine.registry.release(run_id, owner=self.engine.owner, status=row.status)
