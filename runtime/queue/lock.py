"""A run's Postgres advisory lock, held on a session of its own for as long as the run is advanced.

Only one session in the whole database holds it at a time, so a worker frozen or cut off mid-step (its job
handed to another worker by the reaper) never advances a run at the same time as another: the second one finds
the lock taken and tries again later. When the holder's process dies, Postgres ends its session and the lock
goes with it (TCP keepalives bound this to about a minute for a host that vanished).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import psycopg
from psycopg.rows import dict_row

from claimflow.runtime.registry import RunBusyError
from claimflow.runtime.registry._pg_schema import SERVER_KEEPALIVES, Row, conninfo

_LOCK_NAMESPACE = "claimflow-run:"


class RunLockedError(RunBusyError):
    """Another session holds the run's advisory lock: some process is advancing it now; try again later."""


@asynccontextmanager
async def run_lock(url: str, run_id: str, *, owner: str) -> AsyncIterator[psycopg.AsyncConnection[Row]]:
    """Hold the run's advisory lock while the block runs, or raise RunLockedError at once.

    Inside, the session also takes over a lease another process left on the run: whoever holds the lock is
    the only one advancing it, so a lease held by anyone else belongs to a process that stopped or froze.
    Yields the session (autocommit), which must not be used for anything long.
    """
    conn = await psycopg.AsyncConnection.connect(conninfo(url), autocommit=True, row_factory=dict_row)
    async with conn:
        await conn.execute(SERVER_KEEPALIVES)  # a vanished host's session, and so its lock, ends within a minute
        key = _LOCK_NAMESPACE + run_id
        got = await (
            await conn.execute("SELECT pg_try_advisory_lock(hashtextextended(%s, 0)) AS got", (key,))
        ).fetchone()
        if not got or not got["got"]:
            raise RunLockedError(f"run {run_id} is being advanced by another process (its advisory lock is held)")
        try:
            await conn.execute(
                "UPDATE claimflow_runs SET lease_owner = NULL, lease_until = NULL WHERE run_id = %s"
                " AND lease_owner IS NOT NULL AND lease_owner <> %s",
                (run_id, owner),
            )
            yield conn
        finally:
            if not conn.closed:
                await conn.execute("SELECT pg_advisory_unlock(hashtextextended(%s, 0))", (key,))
