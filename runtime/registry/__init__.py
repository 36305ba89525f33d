"""The run registry, append-only events, review decisions, record keys and prompt pins, in one SQLite file."""

from claimflow.runtime.registry.asynchronous import AsyncRegistry
from claimflow.runtime.registry.decisions import DecisionLog, abandoned_message
from claimflow.runtime.registry.erasure import ERASED_EVENT, Erased, RunErasure
from claimflow.runtime.registry.events import EventLog, PromptPins, RecordKeyTable
from claimflow.runtime.registry.finals import FinalStates
from claimflow.runtime.registry.pages import RunPage
from claimflow.runtime.registry.protocol import RunRegistry
from claimflow.runtime.registry.reviews import ReviewTable, ReviewView
from claimflow.runtime.registry.runs import (
    FINISHED,
    IN_PROGRESS,
    LEASE_SECONDS,
    STATUSES,
    SUPERSEDED,
    UNFINISHED,
    NewRun,
    RegistryError,
    RunBusyError,
    RunNotFoundError,
    RunRow,
    RunSupersededError,
    RunTable,
    busy_error,
    close_owner,
    engine_owner,
    kept_message,
    lease_is_stale,
    process_owner,
)
from claimflow.runtime.registry.tokens import READ_ROLES, ROLES, TokenExistsError, TokenRow, TokenTable


class Registry(
    RunTable, EventLog, DecisionLog, RecordKeyTable, PromptPins, ReviewTable, TokenTable, FinalStates, RunErasure
):
    """All of a data directory's bookkeeping over one connection."""


__all__ = [
    "READ_ROLES",
    "ROLES",
    "FINISHED",
    "IN_PROGRESS",
    "STATUSES",
    "SUPERSEDED",
    "UNFINISHED",
    "AsyncRegistry",
    "ERASED_EVENT",
    "Erased",
    "LEASE_SECONDS",
    "NewRun",
    "Registry",
    "RegistryError",
    "RunBusyError",
    "RunNotFoundError",
    "ReviewView",
    "RunPage",
    "RunRegistry",
    "RunRow",
    "RunSupersededError",
    "TokenExistsError",
    "TokenRow",
    "abandoned_message",
    "busy_error",
    "close_owner",
    "engine_owner",
    "kept_message",
    "lease_is_stale",
    "process_owner",
]
