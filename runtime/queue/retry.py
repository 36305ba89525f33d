"""Which failures of a job are worth another try, and how long to wait before it."""

from __future__ import annotations

from procrastinate import RetryStrategy

from claimflow.runtime.registry import RunBusyError
from claimflow.runtime.unavailable import unavailable_reason


class RetryLater(Exception):
    """A job met a transient condition (the run busy, its lock held, the database or storage out of reach)."""


RETRY = RetryStrategy(max_attempts=12, exponential_wait=2, retry_exceptions={RetryLater})
"""Up to 12 more tries, 2, 4, 8 ... seconds apart (the last about an hour later): long enough for a frozen
worker's session to end or a database to come back. Any other error fails the job at once."""


def is_transient(error: BaseException) -> bool:
    """A run held by another process (busy, its lock taken) or storage and database out of reach: try later."""
    return isinstance(error, RunBusyError) or unavailable_reason(error) is not None
