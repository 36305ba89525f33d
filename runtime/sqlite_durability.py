"""How durable a commit to the data directory's SQLite databases is: one `synchronous` setting for all of them.

The checkpoints, the registry and the document store are three files, each with its own write-ahead log. A
checkpoint refers to the texts the document store holds, and the registry's status to the checkpoint; a promise
that commits survive a power failure holds only if every one of the three keeps it, so all three are opened with
the same setting (`CLAIMFLOW_SQLITE_SYNCHRONOUS`).
"""

from __future__ import annotations

from typing import Literal, get_args

SqliteSynchronous = Literal["NORMAL", "FULL"]
"""SQLite's `synchronous` in WAL mode: NORMAL (a commit survives a killed process; the last ones may be lost on
power failure) or FULL (every commit is flushed to the disk, and survives power loss)."""

SQLITE_SYNCHRONOUS: tuple[str, ...] = get_args(SqliteSynchronous)
"""The values `synchronous` may take here."""


def synchronous_pragma(synchronous: str) -> str:
    """The statement that sets `synchronous` on a connection; anything but NORMAL or FULL is refused.

    The value is spliced into the statement (a PRAGMA takes no parameters), so it is checked first.
    """
    if synchronous not in SQLITE_SYNCHRONOUS:
        raise ValueError(f"synchronous must be NORMAL or FULL, not {synchronous!r}")
    return f"PRAGMA synchronous={synchronous}"
