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

A request for a session waits for one up to the pool's `timeout` (`WAIT_S`, or CLAIMFLOW_POSTGRES_WAIT_S as the
engine's pools are made). Once such a wait has run out while the latest attempt to reach that database failed, the
database is gone, not busy: later requests in the process, of any of its pools for that database, wait only
`GONE_WAIT_S` (each still asks the pool to try again), until a session is made again. A command whose database went
away says so after one wait, not after one for each thing it still has to write (a decision's resume had waited
three times, 94 s). Waits that ran out only because every session was busy change nothing: the latest attempt to
reach the database then succeeded.
"""

from __future__ import annotations

import random
from functools import cached_property

from psycopg.conninfo import conninfo_to_dict
from psycopg_pool import AsyncConnectionPool, ConnectionPool, PoolTimeout
from psycopg_pool.abc import ACT, CT
from psycopg_pool.base import AttemptWithBackoff

WAIT_S = 30.0
"""How long a request for a session waits by default (psycopg_pool's own `timeout`; CLAIMFLOW_POSTGRES_WAIT_S)."""

CONNECT_TIMEOUT_S = 10
"""Seconds a new connection waits for the server to answer (libpq's `connect_timeout`) unless the URL sets it:
a server that takes the connection and never answers would hold it, and a stopping command, for ever."""

RECONNECT_MAX_WAIT_S = 5.0
"""The longest wait between two attempts of a pool to make a session, give or take a tenth."""

_JITTER = 0.1

GONE_WAIT_S = 2.0
"""How long a request for a session waits, at most, on a database a wait has already timed out on."""

_Target = tuple[str, ...]

_unreached: set[_Target] = set()
"""Databases whose latest attempt, by any pool of the process, to make a session failed."""

_gone: set[_Target] = set()
"""Databases a wait for a session timed out on while the latest attempt to reach them had failed."""


def _target(pool: object, conninfo: object, kwargs: object) -> _Target:
    """Which database a pool's sessions go to, however its connection string spells it."""
    if not isinstance(conninfo, str) or not isinstance(kwargs, dict | None):
        return ("pool", str(id(pool)))  # a connection string made for each attempt: the pool stands for itself
    params = {**conninfo_to_dict(conninfo), **(kwargs or {})}
    return tuple(str(params.get(key, "")) for key in ("host", "hostaddr", "port", "dbname", "user"))


def _wait_s(target: _Target, timeout: float | None, pool_timeout: float) -> float | None:
    """The wait of a request for a session: the caller's, else the pool's, or less once the database is gone."""
    if timeout is None and target in _gone:
        return min(pool_timeout, GONE_WAIT_S)
    return timeout


def _waited_out(target: _Target) -> None:
    if target in _unreached:
        _gone.add(target)


def _reached(target: _Target) -> None:
    _unreached.discard(target)
    _gone.discard(target)


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

    @cached_property
    def _target(self) -> _Target:
        return _target(self, self.conninfo, self.kwargs)

    def getconn(self, timeout: float | None = None) -> CT:
        """A session, as `ConnectionPool.getconn`; waiting only `GONE_WAIT_S` on a database known gone."""
        target = self._target
        try:
            conn = super().getconn(_wait_s(target, timeout, self.timeout))
        except PoolTimeout:
            _waited_out(target)
            raise
        _gone.discard(target)
        return conn

    def _connect(self, timeout: float | None = None) -> CT:
        try:
            conn = super()._connect(timeout)
        except Exception:
            _unreached.add(self._target)
            raise
        _reached(self._target)
        return conn

    def _add_connection(self, attempt: AttemptWithBackoff | None, growing: bool = False) -> None:
        if attempt is None:
            attempt = _CappedAttempt(timeout=self.reconnect_timeout, cap_s=self.reconnect_max_wait_s)
        super()._add_connection(attempt, growing)


class ReconnectingAsyncPool(AsyncConnectionPool[ACT]):
    """An `AsyncConnectionPool` whose attempts to replace a session come at most `RECONNECT_MAX_WAIT_S` apart."""

    reconnect_max_wait_s: float = RECONNECT_MAX_WAIT_S

    @cached_property
    def _target(self) -> _Target:
        return _target(self, self.conninfo, self.kwargs)

    async def getconn(self, timeout: float | None = None) -> ACT:
        """A session, as `AsyncConnectionPool.getconn`; waiting only `GONE_WAIT_S` on a database known gone."""
        target = self._target
        try:
            conn = await super().getconn(_wait_s(target, timeout, self.timeout))
        except PoolTimeout:
            _waited_out(target)
            raise
        _gone.discard(target)
        return conn

    async def _connect(self, timeout: float | None = None) -> ACT:
        try:
            conn = await super()._connect(timeout)
        except Exception:
            _unreached.add(self._target)
            raise
        _reached(self._target)
        return conn

    async def _add_connection(self, attempt: AttemptWithBackoff | None, growing: bool = False) -> None:
        if attempt is None:
            attempt = _CappedAttempt(timeout=self.reconnect_timeout, cap_s=self.reconnect_max_wait_s)
        await super()._add_connection(attempt, growing)
