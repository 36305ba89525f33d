"""What a data directory's document store holds, read straight from its database."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path


def stored_blobs(data: Path) -> set[str]:
    """The ids of the blobs in the data directory's `documents.db` (none when there is no such database)."""
    database = data / "documents.db"
    if not database.exists():
        return set()
    with closing(sqlite3.connect(database)) as stored:
        return {row[0] for row in stored.execute("SELECT blob_id FROM blobs")}
