"""Pooled Postgres sessions the server ended (a restart, `pg_terminate_backend`): dropped before they are lent.

A pool does not see that the server ended its idle sessions: each is lent as if alive, fails the statement it
is given, and only then is discarded. After a restart of Postgres every session of every pool is such a one,
so a worker's jobs failed one after another, each emptying one session, with longer and longer waits between
them. A server that ends a session says so on it first (an error message, then the end of the stream): the
check here looks whether the session has anything to read, a poll that costs no round trip, and only then
tries it. One found dead makes the pool check all its idle sessions at once, since what ended one (a restart)
has ended the others. `SessionCheck` is for a `ConnectionPool`'s `check`, `AsyncSessionCheck` for an
`AsyncConnectionPool`'s; bind the pool with `watch` once it is made.
"""

from __future__ import annotations

import select
from typing import Any

import psycopg
from psycopg_pool import AsyncConnectionPool, ConnectionPool


def _spoke(conn: psycopg.Connection[Any] | psycopg.AsyncConnection[Any]) -> bool:
    """Whether the server sent something on this idle session (an idle one is told nothing unless it ends)."""
    if conn.closed:
        return True
    socket = conn.pgconn.socket
    if hasattr(select, "poll"):
        poller = select.poll()
        poller.register(socket, select.POLLIN)
        return bool(poller.poll(0))
    return bool(select.select([socket], [], [], 0)[0])


class SessionCheck:
    """A `ConnectionPool`'s `check`: a session the server spoke on is tried, and a dead one discarded."""

    def __init__(self) -> None:
        self._pool: ConnectionPool[Any] | None = None

    def watch(self, pool: ConnectionPool[Any]) -> None:
        """Bind the pool whose other idle sessions are checked when one is found dead."""
        self._pool = pool

    def __call__(self, conn: psycopg.Connection[Any]) -> None:
        """Return quietly for a session the server said nothing on; try one it did, raising if it is dead."""
        if not _spoke(conn):
            return
        try:
            conn.execute("")  # reads what the server said; raises if it ended the session
        except psycopg.Error:
            if self._pool is not None:
                self._pool.check()  # the pool discards this one when the check raises
            raise


class AsyncSessionCheck:
    """An `AsyncConnectionPool`'s `check`: as `SessionCheck`, for sessions of the event loop."""

    def __init__(self) -> None:
        self._pool: AsyncConnectionPool[Any] | None = None

    def watch(self, pool: AsyncConnectionPool[Any]) -> None:
        """Bind the pool whose other idle sessions are checked when one is found dead."""
        self._pool = pool

    async def __call__(self, conn: psycopg.AsyncConnection[Any]) -> None:
        """Return quietly for a session the server said nothing on; try one it did, raising if it is dead."""
        if not _spoke(conn):
            return
        try:
            await conn.execute("")
        except psycopg.Error:
            if self._pool is not None:
                await self._pool.check()
            raise
