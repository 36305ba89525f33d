"""A step's writes held for the checkpoint that follows them, so that a step of an engine's run commits once.

LangGraph saves a task's writes as soon as the task ends, then the step's checkpoint once every task of the step
has ended: two transactions a step, and with `durability="sync"` each of them a trip to the database and a
commit. In a step of one task the checkpoint follows its writes within a millisecond, and carries their result.
So while the engine runs a graph (inside `writes_held_for_checkpoints(...)`), claimflow's savers hold a task's
ordinary writes for at most `HOLD_SECONDS` and commit them in the transaction of the checkpoint that follows
them. Writes still held then (a task whose step runs others that have not ended yet) are committed on their
own, as LangGraph would have, so a finished task is not run again after a crash. Never held:
- writes that pause or fail a step (an interrupt, an error, a resume value): they are committed at once, with
  any writes held for the same checkpoint;
- the writes of a node that acts outside the run (a delivery): they are what spares it from acting twice when
  the process dies between its end and the checkpoint (the window a hold would widen).
Closing a saver commits what it still holds, waiting `CLOSING_SECONDS` at most.

What a crash may lose is unchanged in kind: the step in flight, which runs again when the run is continued.
Outside an engine's run (LangGraph's `update_state`, a saver used on its own) every write is committed before
`aput_writes` returns, as the saver interface says.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Generic, TypeVar

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import WRITES_IDX_MAP

_log = logging.getLogger(__name__)

HOLD_SECONDS = 0.05
"""How long a task's writes may wait for their step's checkpoint before they are committed on their own."""

CLOSING_SECONDS = 2.0
"""How long closing a saver waits for the writes it still holds to be committed."""

_HOLDING: ContextVar[frozenset[str] | None] = ContextVar("claimflow_writes_held", default=None)
"""While writes may be held: the nodes whose writes may not be."""

Row = TypeVar("Row")
WriteKey = tuple[str, str, str]
"""The checkpoint writes belong to: thread, namespace, checkpoint id."""


@contextmanager
def writes_held_for_checkpoints(*, except_nodes: Iterable[str] = ()) -> Iterator[None]:
    """Within this context (and the tasks LangGraph starts in it), savers may hold writes for the next checkpoint.

    The writes of `except_nodes` (nodes that act outside the run) are committed at once all the same.
    """
    token = _HOLDING.set(frozenset(except_nodes))
    try:
        yield
    finally:
        _HOLDING.reset(token)


def write_key(config: RunnableConfig) -> WriteKey:
    """The checkpoint a write (or, for a new checkpoint, its parent) belongs to, as `config` names it."""
    configurable = config["configurable"]
    return (
        str(configurable["thread_id"]),
        str(configurable.get("checkpoint_ns", "")),
        str(configurable.get("checkpoint_id") or ""),
    )


def may_hold(writes: Sequence[tuple[str, object]], task_path: str) -> bool:
    """Whether a task's writes may wait for the checkpoint: in an engine's run, none special, not an excepted node's.

    `task_path` is LangGraph's path of the task (for a node's task, `~__pregel_pull, <node>`).
    """
    excepted = _HOLDING.get()
    if excepted is None or any(channel in WRITES_IDX_MAP for channel, _ in writes):
        return False
    return excepted.isdisjoint(part.strip(" ~") for part in task_path.split(","))


class HeldWrites(Generic[Row]):
    """Stored rows of task writes waiting for their checkpoint, each group committed on its own when it waits too long.

    Args:
        commit: Stores rows in a transaction of their own (the saver's own statement for ordinary writes).
        seconds: How long rows may wait for the checkpoint.
    """

    def __init__(self, commit: Callable[[list[Row]], Awaitable[None]], *, seconds: float = HOLD_SECONDS) -> None:
        self._commit = commit
        self._seconds = seconds
        self._rows: dict[WriteKey, list[Row]] = {}
        self._timers: dict[WriteKey, asyncio.TimerHandle] = {}
        self._late: set[asyncio.Task[None]] = set()

    def hold(self, key: WriteKey, rows: Sequence[Row]) -> None:
        """Keep `rows` for the checkpoint that follows `key`; commit them on their own if it has not come in time."""
        self._rows.setdefault(key, []).extend(rows)
        if key not in self._timers:
            self._timers[key] = asyncio.get_running_loop().call_later(self._seconds, self._too_late, key)

    def take(self, key: WriteKey) -> list[Row]:
        """The rows held for `key`, no longer held: the caller commits them (with the next checkpoint)."""
        timer = self._timers.pop(key, None)
        if timer is not None:
            timer.cancel()
        return self._rows.pop(key, [])

    def _too_late(self, key: WriteKey) -> None:
        rows = self.take(key)
        if rows:
            self._commit_in_background(rows)

    def _commit_in_background(self, rows: list[Row]) -> None:
        task = asyncio.get_running_loop().create_task(self._commit_late(rows))
        self._late.add(task)
        task.add_done_callback(self._late.discard)

    async def _commit_late(self, rows: list[Row]) -> None:
        try:
            await self._commit(rows)
        except Exception:  # noqa: BLE001 - nobody waits for these writes; losing them is what a crash loses
            # The task whose writes these were runs again when its run is continued, as after a crash. Not a
            # warning: what failed here (the database gone) is what the engine reports, once, in its own words.
            _log.debug("task writes held for a checkpoint could not be committed", exc_info=True)

    async def commit_all(self, *, within: float = CLOSING_SECONDS) -> None:
        """Commit every group still held, and wait for those already being committed (before the saver closes).

        At most `within` seconds in all: a group that cannot be committed by then (the database gone, its pool
        waiting for a session) is lost as a crash would lose it. Closing does not fail, nor hang, for it.
        """
        for key in list(self._rows):
            rows = self.take(key)
            if rows:
                self._commit_in_background(rows)
        if not self._late:
            return
        _, unfinished = await asyncio.wait(set(self._late), timeout=within)
        for task in unfinished:
            task.cancel()
        if unfinished:
            _log.debug("%d groups of held task writes were not committed before closing", len(unfinished))
