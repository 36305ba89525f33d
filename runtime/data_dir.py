"""The layout of a data directory (SQLite registry, checkpoints and document store) and keeping it private."""

from __future__ import annotations

from pathlib import Path

from claimflow.runtime.private import SQLITE_SIDECARS, tighten

REGISTRY_FILE = "claimflow.db"
"""The registry's SQLite file (runs, events, decisions, tokens)."""
CHECKPOINT_FILE = "checkpoints.db"
"""LangGraph's checkpoints, SQLite."""
DOCUMENT_FILE = "documents.db"
"""The document store's SQLite file: originals, parsed texts and masking maps."""
BLOB_DIR = "blobs"
"""Where versions before the document store's database kept blobs, one file each; still read (and pruned)."""


def close_data_directory(data_dir: Path) -> None:
    """Take group and other permissions off a data directory, its blob folder and its databases.

    A killed process, an earlier version or the umask may have left them open. Nothing is created here, and
    blobs inside keep their modes, behind folders no one else can enter. Every command that opens a data
    directory calls this first, whether it goes on to open the engine or only the registry.
    """
    tighten(data_dir)
    tighten(data_dir / BLOB_DIR)
    for database in (REGISTRY_FILE, CHECKPOINT_FILE, DOCUMENT_FILE):
        for suffix in ("", *SQLITE_SIDECARS):
            tighten(data_dir / f"{database}{suffix}")
