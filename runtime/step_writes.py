"""A step's task writes, held a moment so that they are committed with the step's checkpoint.

LangGraph stores a task's writes as the task ends and the step's checkpoint a moment later, as the step ends:
two transactions, each a trip to the database (a thread hand-off for SQLite, a round trip for Postgres). Here
the writes wait up to `WRITES_WAIT_S` for the saver's next transaction, normally that checkpoint, and go in
it; if none comes in time they go on their own. Their caller returns only once they are committed (or gets
the error that rolled them back), as with a write of their own.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

WRITES_WAIT_S = 0.005
"""How long a task's writes wait for the step's checkpoint before they go alone."""

Statement = tuple[str, Sequence[Any]]
"""An `executemany`: its SQL and its rows."""


@dataclass
class _Waiting:
    committed: asyncio.Future[None]
    statements: list[Statement] = field(default_factory=list)


class StepWrites:
    """Task writes waiting for a saver's next transaction; `send_alone` is that transaction when none comes."""

    def __init__(self, send_alone: Callable[[], Coroutine[Any, Any, None]]) -> None:
        self._waiting: _Waiting | None = None
        self._send_alone = send_alone
        self._sending: set[asyncio.Task[None]] = set()

    async def committed(self, statement: Statement) -> None:
        """Queue a task's write for the next transaction; return once it is committed, or raise its error."""
        waiting = self._waiting
        if waiting is None:
            loop = asyncio.get_running_loop()
            waiting = self._waiting = _Waiting(loop.create_future())
            loop.call_later(WRITES_WAIT_S, self._alone, waiting)
        waiting.statements.append(statement)
        # Shielded: a caller that stops waiting does not take the other writes' commit with it.
        await asyncio.shield(waiting.committed)

    @contextmanager
    def taken(self) -> Iterator[list[Statement]]:
        """The writes waiting, for the transaction this encloses: their callers learn how it ended.

        The transaction must be committed inside the block, so that an error committing it reaches them.
        """
        waiting, self._waiting = self._waiting, None
        if waiting is None:
            yield []
            return
        try:
            yield waiting.statements
        except BaseException as error:
            if not waiting.committed.done():
                waiting.committed.set_exception(error)
            raise
        if not waiting.committed.done():
            waiting.committed.set_result(None)

    def _alone(self, waiting: _Waiting) -> None:
        """No transaction took the writes in time: send them on their own (unless one took them meanwhile)."""
        if self._waiting is waiting:
            task = asyncio.get_running_loop().create_task(self._send_alone())
            self._sending.add(task)  # held until done: the loop keeps only a weak reference to a task
            task.add_done_callback(self._sent)

    def _sent(self, task: asyncio.Task[None]) -> None:
        self._sending.discard(task)
        if not task.cancelled():
            task.exception()  # the writes' callers got it; marked retrieved
