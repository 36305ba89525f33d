"""Files only the user running claimflow may read: its folders 0700, its files 0600.

The data directory holds the documents, their texts and every value and quote read from them. claimflow makes
its folders and files private when it creates them, whatever the umask, and takes group and other permissions
away from those it finds (a data directory made by an earlier version, or by hand). Where it cannot (a folder
someone else owns, a file system without POSIX modes), it says so once per path and carries on.
"""

from __future__ import annotations

import errno
import logging
import os
import stat
from pathlib import Path

from claimflow.runtime.sources import kind_of
from claimflow.runtime.unavailable import UnavailableError

DIR_MODE = 0o700
FILE_MODE = 0o600
SQLITE_SIDECARS = ("-wal", "-shm", "-journal")
"""The files SQLite keeps beside a database; it creates them with the database file's mode."""

_log = logging.getLogger("claimflow")
_warned: set[Path] = set()


def tighten(path: Path) -> None:
    """Take group and other permissions away from `path`, if it exists; warn once where that fails."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            os.chmod(path, mode & ~0o077)
    except FileNotFoundError:
        return
    except OSError as error:
        if path not in _warned:
            _warned.add(path)
            _log.warning("claimflow could not make %s private to its owner: %s", path, error.strerror or error)


def private_dir(path: Path) -> Path:
    """Make the folder `path`, and any missing folder above it, 0700; an existing `path` is tightened."""
    missing: list[Path] = []
    for folder in (path, *path.parents):
        if folder.exists():
            break
        missing.append(folder)
    for folder in reversed(missing):
        try:
            # mkdir's mode goes through the umask, which can only take bits away: never wider than 0700.
            folder.mkdir(mode=DIR_MODE)
        except FileExistsError:
            if not folder.is_dir():
                raise
    if not path.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(path))
    tighten(path)
    return path


class NotAFileError(UnavailableError):
    """A file claimflow keeps (a database of the data directory) is something else: a FIFO, a device, a folder.

    Storage claimflow cannot use, as a full disk is: the command stops, whatever it was doing.
    """


def private_file(path: Path) -> Path:
    """Create `path` empty and 0600 unless it exists (then it is tightened); its folder must exist.

    Raises:
        NotAFileError: `path` is no regular file (a FIFO in a database's place would have held this open for ever).
    """
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_CREAT | os.O_CLOEXEC | os.O_NONBLOCK, FILE_MODE)
    except OSError as error:
        if error.errno not in (errno.EISDIR, errno.ENXIO):  # a folder; a socket, which cannot be opened
            raise
        mode = os.stat(path).st_mode
    else:
        try:
            mode = os.fstat(descriptor).st_mode
        finally:
            os.close(descriptor)
    if not stat.S_ISREG(mode):
        raise NotAFileError(f"cannot use {path}: it is {kind_of(mode)}, not a regular file")
    tighten(path)
    return path


def private_database(path: Path) -> Path:
    """A SQLite database file made private before SQLite opens it.

    SQLite creates a new database 0644 (less the umask), and its `-wal` and `-shm` files with the database
    file's mode; an empty file is a new database to it. So the file is created 0600 first, and the files
    beside it that an earlier version left wider are tightened.
    """
    private_dir(path.parent)
    private_file(path)
    for suffix in SQLITE_SIDECARS:
        tighten(path.with_name(path.name + suffix))
    return path
