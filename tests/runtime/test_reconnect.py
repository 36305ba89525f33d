"""The pools' attempts to make a session come at most a few seconds apart, however long the database is gone."""

from __future__ import annotations

import asyncio
import socket
import time
from typing import Any

import psycopg
import pytest
from psycopg_pool import AsyncConnectionPool, ConnectionPool

from claimflow.runtime.reconnect import (
    RECONNECT_MAX_WAIT_S,
    ReconnectingAsyncPool,
    ReconnectingPool,
    _CappedAttempt,
)


def test_the_wait_doubles_from_about_a_second_and_stops_growing_at_the_cap() -> None:
    attempt = _CappedAttempt(timeout=300.0, cap_s=RECONNECT_MAX_WAIT_S)
    waits = []
    now = 0.0
    for _ in range(12):
        attempt.update_delay(now)
        waits.append(attempt.delay)
        now += attempt.delay
    assert 0.9 <= waits[0] <= 1.1 and 1.8 <= waits[1] <= 2.2 and 3.6 <= waits[2] <= 4.4
    # psycopg_pool's own would wait 8, 16 ... 1024 s here: the attempt after an outage of a minute was a minute away.
    assert all(RECONNECT_MAX_WAIT_S * 0.9 <= wait <= RECONNECT_MAX_WAIT_S * 1.1 for wait in waits[3:]), waits


def test_the_pools_deadline_for_giving_up_still_holds() -> None:
    attempt = _CappedAttempt(timeout=10.0, cap_s=RECONNECT_MAX_WAIT_S)
    attempt.update_delay(0.0)
    attempt.update_delay(9.5)
    assert attempt.delay == pytest.approx(0.5)  # never past the pool's reconnect_timeout
    assert attempt.time_to_give_up(10.0)


def _refusing_url() -> str:
    """A URL whose port nothing listens on: each attempt is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"postgresql://postgres@127.0.0.1:{port}/postgres?connect_timeout=2"


class _QuickPool(ReconnectingPool[psycopg.Connection[Any]]):
    reconnect_max_wait_s = 0.2


class _QuickAsyncPool(ReconnectingAsyncPool[psycopg.AsyncConnection[Any]]):
    reconnect_max_wait_s = 0.2


_WATCHED_S = 2.5
"""psycopg_pool's own schedule tries at 0, 1 and 3 s: two attempts in this time, where a 0.2 s cap makes a dozen."""


def _attempts(pool: ConnectionPool[Any] | AsyncConnectionPool[Any]) -> int:
    return int(pool.get_stats().get("connections_errors", 0))


def test_a_pool_tries_a_refused_database_again_at_its_cap_not_at_psycopg_pools_growing_wait() -> None:
    # Through psycopg_pool's own machinery: this fails if a release of it stops asking `_add_connection`.
    pool = _QuickPool(_refusing_url(), min_size=1, open=False)
    pool.open(wait=False)
    try:
        time.sleep(_WATCHED_S)
        attempts = _attempts(pool)
    finally:
        pool.close(timeout=1.0)
    assert attempts >= 6, attempts


def test_an_async_pool_tries_a_refused_database_again_at_its_cap() -> None:
    async def attempts() -> int:
        pool = _QuickAsyncPool(_refusing_url(), min_size=1, open=False)
        await pool.open(wait=False)
        try:
            await asyncio.sleep(_WATCHED_S)
            return _attempts(pool)
        finally:
            await pool.close(timeout=1.0)

    made = asyncio.run(attempts())
    assert made >= 6, made
