"""A run as a newer claimflow would leave it: its checkpoint values compressed with a dictionary no claimflow ships."""

from __future__ import annotations

import sqlite3
from pathlib import Path

NEWER = "0123456789abcdef"
"""A dictionary no claimflow ships."""


def compressed_by_a_newer_claimflow(checkpoints: Path, run_id: str | None = None) -> int:
    """Relabel the compressed values of `run_id` (every run's when None) as compressed with `NEWER`; how many were."""
    with sqlite3.connect(checkpoints) as connection:
        changed = 0
        for table in ("checkpoints", "writes"):
            cursor = connection.execute(
                f"UPDATE {table} SET type = 'msgpack+zstd:' || ? "
                "WHERE type LIKE 'msgpack+zstd%' AND (? IS NULL OR thread_id = ?)",
                (NEWER, run_id, run_id),
            )
            changed += cursor.rowcount
    connection.close()
    return changed
