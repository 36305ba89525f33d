"""Once a wait for a session on a gone database has timed out, later requests to it wait briefly, until it is back.

The pools' `timeout` (3 s here, 30 s by default) is what a request waits for a session. A command that lost its
database used to wait it out once for each thing it still had to write, in each of its pools: these tests read the
wait each request was given from psycopg_pool's own `PoolTimeout` message, "couldn't get a connection after N
sec", so they do not time anything.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from psycopg_pool import PoolTimeout

from claimflow.runtime.reconnect import GONE_WAIT_S, ReconnectingAsyncPool, ReconnectingPool
from tests.fakes.tcp_proxy import TcpProxy

pytestmark = pytest.mark.postgres

POOL_TIMEOUT_S = 3.0
FULL_WAIT = f"after {POOL_TIMEOUT_S:.2f} sec"
BRIEF_WAIT = f"after {GONE_WAIT_S:.2f} sec"


@pytest.fixture
def proxy(postgres_url: str) -> Iterator[TcpProxy]:
    target = urlsplit(postgres_url)
    made = TcpProxy((target.hostname or "127.0.0.1", target.port or 5432))
    yield made
    made.cut()


def _through(proxy: TcpProxy, url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc=f"{parts.username}@127.0.0.1:{proxy.port}"))


def _pool(url: str, **options: Any) -> ReconnectingPool[psycopg.Connection[Any]]:
    return ReconnectingPool(url, min_size=1, timeout=POOL_TIMEOUT_S, open=True, **options)


def _timed_out(pool: ReconnectingPool[psycopg.Connection[Any]]) -> str:
    with pytest.raises(PoolTimeout) as raised, pool.connection():
        pass
    return str(raised.value)


def test_after_one_wait_ran_out_on_a_gone_database_every_pool_of_it_waits_briefly(
    proxy: TcpProxy, postgres_url: str
) -> None:
    url = _through(proxy, postgres_url)
    first = _pool(url)
    # The same database spelled as key=value pairs, as the registry spells it: one database, one verdict.
    second = _pool(make_conninfo(**conninfo_to_dict(url)))
    try:
        proxy.cut()
        assert FULL_WAIT in _timed_out(first)  # the first request waits in full: a restart may be under way

        assert BRIEF_WAIT in _timed_out(first)
        assert BRIEF_WAIT in _timed_out(second)
        with pytest.raises(PoolTimeout) as raised, first.connection(timeout=POOL_TIMEOUT_S):
            pass
        assert FULL_WAIT in str(raised.value)  # a wait the caller asked for is the caller's
    finally:
        first.close(timeout=1.0)
        second.close(timeout=1.0)


def test_an_async_pool_of_a_database_a_wait_timed_out_on_waits_briefly(proxy: TcpProxy, postgres_url: str) -> None:
    url = _through(proxy, postgres_url)
    sync_pool = _pool(url)

    async def timed_out() -> str:
        pool: ReconnectingAsyncPool[psycopg.AsyncConnection[Any]] = ReconnectingAsyncPool(
            url, min_size=1, timeout=POOL_TIMEOUT_S, open=False
        )
        await pool.open(wait=False)  # its database is already gone
        try:
            with pytest.raises(PoolTimeout) as raised:
                async with pool.connection():
                    pass
            return str(raised.value)
        finally:
            await pool.close(timeout=1.0)

    try:
        proxy.cut()
        assert FULL_WAIT in _timed_out(sync_pool)
        assert BRIEF_WAIT in asyncio.run(timed_out())
    finally:
        sync_pool.close(timeout=1.0)


def test_a_database_that_answers_again_is_waited_for_in_full_the_next_time_it_goes(
    proxy: TcpProxy, postgres_url: str
) -> None:
    pool = _pool(_through(proxy, postgres_url))
    try:
        proxy.cut()
        assert FULL_WAIT in _timed_out(pool)
        back = TcpProxy(proxy.target, port=proxy.port)
        deadline = time.monotonic() + 30
        while True:  # brief waits, each asking the pool to try again, until it has made a session
            try:
                with pool.connection() as conn:
                    conn.execute("SELECT 1")
                break
            except PoolTimeout:
                assert time.monotonic() < deadline, "the pool made no session on a database that answers again"
        back.cut()
        with pool.connection() as conn, pytest.raises(psycopg.OperationalError):
            conn.execute("SELECT 1")  # the session the cut ended

        assert FULL_WAIT in _timed_out(pool)
    finally:
        pool.close(timeout=1.0)


def test_a_wait_that_ran_out_because_every_session_was_busy_shortens_no_later_wait(postgres_url: str) -> None:
    pool = _pool(postgres_url, max_size=1)
    try:
        with pool.connection() as held:
            held.execute("SELECT 1")
            assert FULL_WAIT in _timed_out(pool)
            assert FULL_WAIT in _timed_out(pool)  # the database answers: it is busy, not gone
    finally:
        pool.close(timeout=1.0)
