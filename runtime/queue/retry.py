"""Which failures of a job are worth another try, and how long to wait before it."""

from __future__ import annotations

from procrastinate import RetryStrategy

from claimflow.runtime.engine.models import RunModelError
from claimflow.runtime.registry import RunBusyError
from claimflow.runtime.unavailable import unavailable_reason


class RetryLater(Exception):
    """A job met a transient condition (the run busy, its lock held, the database or storage out of reach)."""


RETRY = RetryStrategy(max_attempts=12, exponential_wait=2, retry_exceptions={RetryLater})
"""Up to 12 more tries, 2, 4, 8 ... seconds apart (the last about an hour later): long enough for a frozen
worker's session to end or a database to come back. Any other error fails the job at once."""


def is_transient(error: BaseException) -> bool:
    """Whether to try the job later: the run held elsewhere, storage or database out of reach, its model not here.

    A run another process holds (busy, its lock taken), a store or database that cannot be reached, and a run
    whose model this worker cannot build (its key not set here; the run is left as it was).
    """
    return isinstance(error, RunBusyError | RunModelError) or unavailable_reason(error) is not None
