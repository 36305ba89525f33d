"""Batches: expand paths to documents and push each one through the engine, one failure at a time."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path

from claimflow.runtime.engine import Engine
from claimflow.runtime.registry import RunRow


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files as given, folders as their files (recursively, sorted, hidden entries skipped)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(
                p
                for p in path.rglob("*")
                if p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        else:
            found.append(path)
    return found


async def process_files(
    engine: Engine,
    files: list[Path],
    on_done: Callable[[RunRow], Awaitable[None]] | None = None,
    *,
    concurrency: int = 1,
) -> list[RunRow]:
    """One run per file, up to `concurrency` at once; results come back in the order of `files`.

    Intake streams: files are registered in order, each just ahead of the workers (at most `concurrency`
    waiting), so the first document starts while the rest are still being read. A failing document fails
    its own run only.
    """
    if concurrency < 1:
        raise ValueError(f"concurrency must be at least 1, got {concurrency}")
    registered: asyncio.Queue[tuple[int, RunRow] | None] = asyncio.Queue(maxsize=concurrency)
    results: list[RunRow | None] = [None] * len(files)

    async def intake() -> None:
        for index, path in enumerate(files):
            await registered.put((index, await engine.submit(path)))
        for _ in range(concurrency):
            await registered.put(None)

    async def work() -> None:
        while (item := await registered.get()) is not None:
            index, row = item
            done = await engine.start(row.run_id)
            results[index] = done
            if on_done:
                await on_done(done)

    await asyncio.gather(intake(), *(work() for _ in range(concurrency)))
    return [row for row in results if row is not None]
