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

    Intake is sequential (it is quick and keeps run order stable); the runs themselves overlap,
    which matters when model calls take seconds. A failing document fails its own run only.
    """
    if concurrency < 1:
        raise ValueError(f"concurrency must be at least 1, got {concurrency}")
    rows = [engine.submit(path) for path in files]
    slots = asyncio.Semaphore(concurrency)

    async def advance(row: RunRow) -> RunRow:
        async with slots:
            done = await engine.start(row.run_id)
        if on_done:
            await on_done(done)
        return done

    return list(await asyncio.gather(*(advance(row) for row in rows)))
