"""Which failures of a job are worth another try, and how long to wait before it."""

from __future__ import annotations

from procrastinate import RetryStrategy

from claimflow.runtime.engine.models import RunModelError
from claimflow.runtime.errors import WorkflowVersionError
from claimflow.runtime.registry import RunBusyError
from claimflow.runtime.unavailable import unavailable_reason


class RetryLater(Exception):
    """A job met a transient condition (the run busy, its lock held, the database or storage out of reach)."""


class OtherVersionError(WorkflowVersionError):
    """A run that ran steps under another workflow version than this worker's: left for a worker of its version.

    During a rolling upgrade workers of both versions take jobs from the same queue. The run is not touched, and
    its job is tried again later, by whichever worker takes it then.
    """

    def __init__(self, run_id: str, recorded: str, current: str) -> None:
        super().__init__(
            f"run {run_id} ran steps under workflow version {recorded} and this worker runs {current}: "
            "left as it is for a worker of its version"
        )


RETRY = RetryStrategy(max_attempts=12, exponential_wait=2, retry_exceptions={RetryLater})
"""Up to 12 more tries, 2, 4, 8 ... seconds apart (the last about an hour later): long enough for a frozen
worker's session to end or a database to come back. Any other error fails the job at once."""


def is_transient(error: BaseException) -> bool:
    """Whether to try the job later: the run held elsewhere, storage or database out of reach, its model not here.

    A run another process holds (busy, its lock taken), a store or database that cannot be reached, a run
    whose model this worker cannot build (its key not set here; the run is left as it was), and a run that ran
    steps under another workflow version (`OtherVersionError`).
    """
    return isinstance(error, RunBusyError | RunModelError | OtherVersionError) or unavailable_reason(error) is not None
