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


def open_data_directory(data_dir: Path, *, reading: bool = False) -> bool:
    """Create the data directory if it is missing (0700), then close it to others (`close_data_directory`).

    A command that only reads runs (`reading`) may use a data directory this process may not write (a copy
    mounted read-only, another user's): nothing in it is changed then, and its databases are to be opened read
    only (`claimflow.runtime.sqlite_read`). Any other command is refused such a one before it writes anything.

    Returns:
        True when the data directory is to be read only (`reading`, and it may not be written).

    Raises:
        DataDirectoryError: It cannot be created, or it is not a folder; the message has the system's reason. Or
            it, or a database in it, may not be written, and the command writes.
    """
    refusal = unwritable(data_dir) if data_dir.is_dir() else None
    if refusal is not None:
        if reading:
            return True
        raise DataDirectoryError(data_dir, refusal)
    try:
        private_dir(data_dir)
    except OSError as error:
        raise DataDirectoryError(data_dir, error) from error
    close_data_directory(data_dir)
    return False


def read_only_data_directory(data_dir: Path) -> bool:
    """Whether a command that only reads opens this data directory read only (see `open_data_directory`)."""
    return data_dir.is_dir() and unwritable(data_dir) is not None


def unwritable(data_dir: Path) -> OSError | None:
    """Why this process may not write the data directory: the folder, or a database file in it, is read-only to it.

    None when it may. Root may write whatever the modes say, but not on a file system mounted read-only.
    """
    for path in (data_dir, *_database_files(data_dir)):
        if path.exists() and not os.access(path, os.W_OK):
            mounted = os.statvfs(path).f_flag & os.ST_RDONLY
            code, why = (errno.EROFS, "a read-only file system") if mounted else (errno.EACCES, "permission denied")
            reason = f"it may not be written here ({why}); only commands that read runs can use it"
            return OSError(code, reason, str(path))
    return None


def _database_files(data_dir: Path) -> list[Path]:
    """The data directory's databases and the files SQLite keeps beside them."""
    return [
        data_dir / f"{database}{suffix}"
        for database in (REGISTRY_FILE, CHECKPOINT_FILE, DOCUMENT_FILE)
        for suffix in ("", *SQLITE_SIDECARS)
    ]


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
    for path in _database_files(data_dir):
        tighten(path)
