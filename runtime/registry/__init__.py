"""The run registry, the append-only events, review decisions and the invoice index, in one SQLite file."""

from claimflow.runtime.registry.events import DecisionLog, EventLog, InvoiceTable
from claimflow.runtime.registry.protocol import RunRegistry
from claimflow.runtime.registry.runs import (
    LEASE_SECONDS,
    RegistryError,
    RunBusyError,
    RunNotFoundError,
    RunRow,
    RunTable,
    lease_is_stale,
    process_owner,
)


class Registry(RunTable, EventLog, DecisionLog, InvoiceTable):
    """All of a data directory's bookkeeping over one connection."""


__all__ = [
    "LEASE_SECONDS",
    "Registry",
    "RegistryError",
    "RunBusyError",
    "RunNotFoundError",
    "RunRegistry",
    "RunRow",
    "lease_is_stale",
    "process_owner",
]
