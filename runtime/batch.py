"""Batches: expand paths to documents and push each one through the engine, one failure at a time."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from runtime.engine import Engine
from runtime.registry import RunRow


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
    engine: Engine, files: list[Path], on_done: Callable[[RunRow], None] | None = None
) -> list[RunRow]:
    """One run per file; a file that cannot even be read fails its own run and the batch goes on."""
    rows: list[RunRow] = []
    for path in files:
        row = engine.submit(path)
        row = await engine.start(row.run_id)
        rows.append(row)
        if on_done:
            on_done(row)
    return rows
