"""A run in a list whose state this installation cannot read: listed with why, never hiding the other runs.

A checkpoint value compressed with a dictionary this claimflow lacks (a newer one wrote it) raises
UnknownDictionaryError when the run's state is read. A command about that one run (`show`, `explain`,
`review decide`) refuses it; a list (`runs --json`, `review list`, `GET /v1/runs`, `GET /v1/reviews`, the
review page, `/metrics`) reads every run's state, so it reads each through `readable` and shows that run with
the note it returns where the state's contents would be. So do the other readers of many runs: the review sweep
(that review's outcome `failed`, the note its detail) and `export` (that run left out and named). Over HTTP the
note is the answer about that one run: its row (`GET /v1/runs/{id}`), or a 409 (`runtime.service.errors`).
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TypeVar

from claimflow.runtime.errors import UnknownDictionaryError

__all__ = ["readable", "unreadable_note"]

T = TypeVar("T")


def unreadable_note(error: UnknownDictionaryError) -> str:
    """What a list says of a run whose state cannot be read here: the dictionary, and what to do.

    Without the dictionaries' folder the error names: a list is also read over HTTP, by callers who have no
    business with the server's paths (and the command about the run says where).
    """
    if error.damaged:
        return f"its state cannot be read here: this claimflow's dictionary {error.dict_id} is damaged; reinstall"
    return (
        f"its state cannot be read here: it was compressed with dictionary {error.dict_id}, which this claimflow "
        "does not have (a newer claimflow wrote it); upgrade to read it"
    )


async def readable(read: Awaitable[T]) -> tuple[T | None, str | None]:
    """What `read` (a read of one run's state) returns and None, or None and why the state cannot be read here."""
    try:
        return await read, None
    except UnknownDictionaryError as error:
        return None, unreadable_note(error)
