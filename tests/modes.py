"""Permission bits of what claimflow writes, for the tests that check nobody but its user can read it."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def usual_umask() -> Iterator[None]:
    """Run under umask 022, with which a new folder is 0755 and a new file 0644 unless the code says otherwise."""
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def mode_of(path: Path) -> int:
    """The permission bits of `path`."""
    return stat.S_IMODE(path.stat().st_mode)


def wide_paths(root: Path, *expected: str) -> dict[str, str]:
    """Paths under `root` (itself: ".") that are not 0700 folders or 0600 files; fails on an expected one missing."""
    modes = {str(path.relative_to(root)): mode_of(path) for path in [root, *sorted(root.rglob("*"))]}
    missing = [name for name in expected if name not in modes]
    assert not missing, f"{missing} not in {sorted(modes)}"
    return {name: oct(mode) for name, mode in modes.items() if mode != (0o700 if (root / name).is_dir() else 0o600)}
