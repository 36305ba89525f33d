"""Writing a file whole: a reader sees the old content or the new, never half of either.

Exports, eval baselines and eval reports are files other programs (and other claimflow commands) read while
they may be rewritten, and a write can fail part-way (a full disk, a quota).
"""

from __future__ import annotations

import contextlib
import os
import secrets
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
    target = path.resolve() if path.is_symlink() else path
    if target.exists() and not target.is_file():
        with open(target, "w", encoding=encoding, newline="") as file:
            file.write(text)
        return
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
