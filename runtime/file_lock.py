"""An exclusive lock for reading, changing and rewriting one file while other processes may do the same.

`write_whole` keeps a reader from seeing half a file, but two commands that each read a file, change their own
part of it and write it whole still lose one's change: each wrote what it had read before the other wrote. Held
around the read, the change and the write, this lock makes the second wait and read what the first wrote.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["lock_file", "locked"]


def lock_file(path: Path) -> Path:
    """The file the lock on `path` is taken on: `.<name>.lock` beside it (beside a symbolic link's target).

    Not `path` itself: a whole-file write puts a new file in its place, and a process waiting on the old one's
    lock would hold a lock on a file no longer there. The lock file stays (removed, a process waiting on it would
    lock a file another could no longer find).
    """
    target = path.resolve()
    return target.with_name(f".{target.name}.lock")


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on `path` (on its `lock_file`) for the block; another holder waits until it ends.

    The lock goes with the process: one that dies holding it releases it.

    Raises:
        OSError: The lock file cannot be made (a folder that may not be written): it names the lock file.
    """
    descriptor = os.open(lock_file(path), os.O_RDWR | os.O_CREAT, 0o666)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # closing releases the lock
