"""Batches: expand paths to documents and push each one through the engine, one failure at a time."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

from claimflow.runtime.engine import Engine
from claimflow.runtime.registry import RunBusyError, RunRow


async def process_files(
    engine: Engine,
    files: list[Path],
    on_done: Callable[[RunRow, bool], Awaitable[None]] | None = None,
    *,
    concurrency: int = 1,
) -> list[RunRow]:
    """One run per file, up to `concurrency` at once; results come back in the order of `files`.

    Intake streams: files are registered in order, each just ahead of the workers (at most `concurrency`
    waiting), so the first document starts while the rest are still being read. A new run is registered
    running, leased to this engine: the batch holds it from then on, and a worker starts it without a claim.
    A failing document fails its own run only. A file registered before (same bytes, same path) is not
    registered again: its run is continued if unfinished, and comes back as it stands if finished or held by
    another live process.
    Storage or a database that cannot be written or reached stops the whole batch with that error, leaving
    every registered run to be continued. `on_done` gets each finished run and whether this batch registered
    it (False: an earlier command did).
    """
    if concurrency < 1:
        raise ValueError(f"concurrency must be at least 1, got {concurrency}")
    registered: asyncio.Queue[tuple[int, RunRow, bool] | None] = asyncio.Queue(maxsize=concurrency)
    results: list[RunRow | None] = [None] * len(files)

    async def intake() -> None:
        for index, path in enumerate(files):
            await registered.put((index, *await engine.register(path, starting=True)))
        for _ in range(concurrency):
            await registered.put(None)

    async def work() -> None:
        while (item := await registered.get()) is not None:
            index, row, new = item
            try:
                done = await engine.start(row.run_id, registered=row if new else None)
            except RunBusyError:  # another live process (a `recover`, a second `run`) is advancing it
                done = await engine.registry.get_run(row.run_id)
            results[index] = done
            if on_done:
                await on_done(done, new)

    try:
        async with asyncio.TaskGroup() as tasks:  # one failure stops the others: the batch ends with it
            tasks.create_task(intake())
            for _ in range(concurrency):
                tasks.create_task(work())
    except BaseExceptionGroup as failed:
        raise failed.exceptions[0] from None
    return [row for row in results if row is not None]
