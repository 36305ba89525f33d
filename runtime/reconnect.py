"""Connection pools that try a lost database again every few seconds, never at ever longer waits.

A psycopg pool replaces a session it cannot make with another attempt after a wait that doubles each time (1, 2,
4 ... s) for up to its `reconnect_timeout` (5 minutes). An attempt that failed 31 s into an outage is followed by
one at 63 s, then 127 s and 255 s: a pool that lost its server for L seconds went on without one for up to about
L seconds more after the server was back, and a worker took no job all that time. These pools wait as long at
first and never longer than `RECONNECT_MAX_WAIT_S` (jittered, so the pools of many workers do not knock in step).

A series of attempts still ends after the pool's `reconnect_timeout`, as psycopg_pool's does; the next request
for a session starts another. psycopg_pool has no setting for the wait: these pools give each new series their
own schedule through its `_add_connection`, the one place where it makes one. `tests/runtime/test_reconnect.py`
fails if a release of psycopg_pool stops calling it.
"""

from __future__ import annotations

import random

from psycopg_pool import AsyncConnectionPool, ConnectionPool
from psycopg_pool.abc import ACT, CT
from psycopg_pool.base import AttemptWithBackoff

RECONNECT_MAX_WAIT_S = 5.0
"""The longest wait between two attempts of a pool to make a session, give or take a tenth."""

_JITTER = 0.1


class _CappedAttempt(AttemptWithBackoff):
    """psycopg_pool's schedule of attempts (a wait doubling from about 1 s), each wait cut to `cap_s`."""

    def __init__(self, *, timeout: float, cap_s: float) -> None:
        super().__init__(timeout=timeout)
        self.cap_s = cap_s

    def update_delay(self, now: float) -> None:
        """The wait before the next attempt: psycopg_pool's, or about `cap_s` once that is longer."""
        super().update_delay(now)  # also cuts the wait to the time left before giving up
        if self.delay > self.cap_s:
            self.delay = self.cap_s * random.uniform(1 - _JITTER, 1 + _JITTER)  # spread, not secrecy


class ReconnectingPool(ConnectionPool[CT]):
    """A `ConnectionPool` whose attempts to replace a session come at most `RECONNECT_MAX_WAIT_S` apart."""

    reconnect_max_wait_s: float = RECONNECT_MAX_WAIT_S

    def _add_connection(self, attempt: AttemptWithBackoff | None, growing: bool = False) -> None:
        if attempt is None:
            attempt = _CappedAttempt(timeout=self.reconnect_timeout, cap_s=self.reconnect_max_wait_s)
        super()._add_connection(attempt, growing)


class ReconnectingAsyncPool(AsyncConnectionPool[ACT]):
    """An `AsyncConnectionPool` whose attempts to replace a session come at most `RECONNECT_MAX_WAIT_S` apart."""

    reconnect_max_wait_s: float = RECONNECT_MAX_WAIT_S

    async def _add_connection(self, attempt: AttemptWithBackoff | None, growing: bool = False) -> None:
        if attempt is None:
            attempt = _CappedAttempt(timeout=self.reconnect_timeout, cap_s=self.reconnect_max_wait_s)
        await super()._add_connection(attempt, growing)
