"""Writing a file whole: a reader sees the old content or the new, never half of either.

Exports, eval baselines and eval reports are files other programs (and other claimflow commands) read while
they may be rewritten, and a write can fail part-way (a full disk, a quota).
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from pathlib import Path

__all__ = ["write_whole"]


def write_whole(path: Path, text: str, encoding: str = "utf-8") -> None:
    """Write `text` to `path` whole or not at all: beside it first, then put in its place.

    A write that fails part-way leaves the earlier file as it was, and no half a file behind. The new file has the
    mode the umask gives, as a file made by `open` has. A symbolic link at `path` keeps pointing where it did, and
    its target is replaced; a path that is no regular file (`/dev/stdout`) is written through, since putting a
    file in its place would replace the device, not write to it. Newlines are written as given (a CSV's line
    ends stay as its writer made them). An error names `path`, not the file beside it.
    """
    # Both follow links, as `open` does: `/dev/stdout` is a link to a pipe that has no path to resolve to.
    if path.exists() and not path.is_file():
        _write_through(path, text, encoding)
        return
    target = path.resolve() if path.is_symlink() else path
    partial = target.with_name(f".{target.name}.{secrets.token_hex(4)}.partial")
    try:
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with open(descriptor, "w", encoding=encoding, newline="") as file:
            file.write(text)
        os.replace(partial, target)
    except BaseException as error:
        with contextlib.suppress(OSError):
            partial.unlink()
        if isinstance(error, OSError):
            error.filename, error.filename2 = str(path), None
        raise


def _write_through(path: Path, text: str, encoding: str) -> None:
    """Write `text` into a path that is no regular file (a device, a FIFO), as `open(path, "w")` would.

    A FIFO that no process reads would hold the open until one does: on a thread, where neither Ctrl-C nor
    SIGTERM reaches it, so the command could not be stopped. It is opened without waiting, and refused with
    ENXIO, `path` named, when nobody reads it; once open, it is written as any file, waiting for its reader.
    """
    waits = stat.S_ISFIFO(path.stat().st_mode)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CLOEXEC | (os.O_NONBLOCK if waits else 0))
    except OSError as error:
        if error.errno == errno.ENXIO and waits:
            raise OSError(errno.ENXIO, "it is a FIFO that no process reads", str(path)) from None
        raise
    if waits:
        os.set_blocking(descriptor, True)
    with open(descriptor, "w", encoding=encoding, newline="") as file:
        file.write(text)
