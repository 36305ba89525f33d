"""A run's Postgres advisory lock, held on a session of its own for as long as the run is advanced.

Only one session in the whole database holds it at a time, so a worker frozen or cut off mid-step (its job
handed to another worker by the reaper) never advances a run at the same time as another: the second one finds
the lock taken and tries again later. When the holder's process dies, Postgres ends its session and the lock
goes with it (TCP keepalives bound this to about a minute for a host that vanished).

Inside the lock, the session also takes over a lease another process left on the run: whoever holds the lock
is the only one advancing it, so a lease held by anyone else belongs to a process that stopped or froze.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

import psycopg
from psycopg.rows import dict_row

from claimflow.runtime.ended_sessions import AsyncSessionCheck
from claimflow.runtime.reconnect import WAIT_S, ReconnectingAsyncPool
from claimflow.runtime.registry import RunBusyError
from claimflow.runtime.registry._pg_schema import SERVER_KEEPALIVES, Row, conninfo

_LOCK_NAMESPACE = "claimflow-run:"


class RunLockedError(RunBusyError):
    """Another session holds the run's advisory lock: some process is advancing it now; try again later."""


async def _keepalives(conn: psycopg.AsyncConnection[Row]) -> None:
    await conn.execute(SERVER_KEEPALIVES)  # a vanished host's session, and so its lock, ends within a minute


@asynccontextmanager
async def _held(conn: psycopg.AsyncConnection[Row], run_id: str, owner: str) -> AsyncIterator[None]:
    key = _LOCK_NAMESPACE + run_id
    got = await (await conn.execute("SELECT pg_try_advisory_lock(hashtextextended(%s, 0)) AS got", (key,))).fetchone()
    if not got or not got["got"]:
        raise RunLockedError(f"run {run_id} is being advanced by another process (its advisory lock is held)")
    released = False
    try:
        await conn.execute(
            "UPDATE claimflow_runs SET lease_owner = NULL, lease_until = NULL WHERE run_id = %s"
            " AND lease_owner IS NOT NULL AND lease_owner <> %s",
            (run_id, owner),
        )
        yield
    finally:
        try:
            done = await (
                await conn.execute("SELECT pg_advisory_unlock(hashtextextended(%s, 0)) AS done", (key,))
            ).fetchone()
            released = bool(done and done["done"])
        finally:
            if not released:
                await conn.close()  # a session that may still hold the lock must not serve another run


@asynccontextmanager
async def run_lock(url: str, run_id: str, *, owner: str) -> AsyncIterator[None]:
    """Hold the run's advisory lock on a new session while the block runs, or raise RunLockedError at once."""
    conn = await psycopg.AsyncConnection.connect(conninfo(url), autocommit=True, row_factory=dict_row)
    async with conn:
        await _keepalives(conn)
        async with _held(conn, run_id, owner):
            yield


@asynccontextmanager
async def runs_locks(url: str, run_ids: list[str], *, owner: str) -> AsyncIterator[None]:
    """Hold the advisory locks of several runs on one new session (an erase's), or raise RunLockedError at once."""
    conn = await psycopg.AsyncConnection.connect(conninfo(url), autocommit=True, row_factory=dict_row)
    async with conn, AsyncExitStack() as held:
        await _keepalives(conn)
        for run_id in run_ids:
            await held.enter_async_context(_held(conn, run_id, owner))
        yield


class RunLocks:
    """Sessions for runs' advisory locks, kept between jobs: a worker does not connect anew for every job."""

    def __init__(self, url: str, *, size: int, wait_s: float = WAIT_S) -> None:
        """Up to `size` sessions on `url`; `wait_s`: how long taking a lock waits for one (see `reconnect`)."""
        check = AsyncSessionCheck()  # sessions a restart of the server ended are not lent
        self._pool: ReconnectingAsyncPool[psycopg.AsyncConnection[Row]] = ReconnectingAsyncPool(
            conninfo(url),
            min_size=1,
            max_size=size,
            timeout=wait_s,
            kwargs={"autocommit": True, "row_factory": dict_row},
            configure=_keepalives,
            check=check,
            open=False,
        )
        check.watch(self._pool)

    async def __aenter__(self) -> RunLocks:
        await self._pool.open(wait=True)
        return self

    async def __aexit__(self, *_: object) -> None:
        await self._pool.close()

    @asynccontextmanager
    async def hold(self, run_id: str, *, owner: str) -> AsyncIterator[None]:
        """Hold the run's advisory lock on a pooled session while the block runs, or raise RunLockedError."""
        async with self._pool.connection() as conn, _held(conn, run_id, owner):
            yield
