"""The layout of a data directory (SQLite registry, checkpoints and document store) and keeping it private."""

from __future__ import annotations

import errno
import os
from pathlib import Path

from claimflow.runtime.private import SQLITE_SIDECARS, private_dir, tighten
from claimflow.runtime.unavailable import UnavailableError

REGISTRY_FILE = "claimflow.db"
"""The registry's SQLite file (runs, events, decisions, tokens)."""
CHECKPOINT_FILE = "checkpoints.db"
"""LangGraph's checkpoints, SQLite."""
DOCUMENT_FILE = "documents.db"
"""The document store's SQLite file: originals, parsed texts and masking maps."""
BLOB_DIR = "blobs"
"""Where versions before the document store's database kept blobs, one file each; still read (and pruned)."""


class DataDirectoryError(UnavailableError):
    """The data directory cannot be created or used: a file is in its way, a folder above it may not be written.

    Raised before anything is read or written in it, so a command that meets it has nothing to continue.
    """

    def __init__(self, data_dir: Path, error: OSError) -> None:
        self.data_dir = data_dir
        culprit = f" ({os.fsdecode(error.filename)})" if error.filename and Path(error.filename) != data_dir else ""
        super().__init__(f"cannot use the data directory {data_dir}: {error.strerror or error}{culprit}")


def open_data_directory(data_dir: Path) -> None:
    """Create the data directory if it is missing (0700), then close it to others (`close_data_directory`).

    Raises:
        DataDirectoryError: It cannot be created, or it is not a folder; the message has the system's reason.
    """
    try:
        private_dir(data_dir)
    except OSError as error:
        raise DataDirectoryError(data_dir, error) from error
    close_data_directory(data_dir)


def existing_data_directory(data_dir: Path) -> None:
    """For a command that only reads runs: a data directory that does not exist is told, never made empty.

    Made, it would answer a misspelt `--data-dir` with no runs, as if that were the truth.

    Raises:
        DataDirectoryError: Nothing is at `data_dir` (the message says so, and how to name the data directory), or
            it cannot be looked at (the system's reason, as when it cannot be made).
    """
    try:
        data_dir.stat()
    except FileNotFoundError:
        reason = (
            "it does not exist (this command only reads, and makes no data directory): "
            "name the one your runs are in with --data-dir or CLAIMFLOW_DATA_DIR"
        )
        raise DataDirectoryError(data_dir, FileNotFoundError(errno.ENOENT, reason)) from None
    except OSError as error:
        raise DataDirectoryError(data_dir, error) from error


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
