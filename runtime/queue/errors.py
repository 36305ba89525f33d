"""Production mode's set-up errors: no database for the queue, or a database whose queue tables are missing."""

from __future__ import annotations

from claimflow.runtime.errors import SetupError

MIGRATE_HINT = "the database has no queue tables yet (or an older schema): run `claimflow db migrate`"
NO_DATABASE = "the queue lives in Postgres: set CLAIMFLOW_DATABASE_URL (and run `claimflow db migrate`)"

_MISSING = ("UndefinedTable", "UndefinedFunction", "UndefinedObject", "UndefinedColumn")
"""psycopg's errors for a table, function, type or column the schema lacks."""


class QueueSetupError(SetupError):
    """The queue cannot be used: no Postgres database is set, or `claimflow db migrate` has not run there."""


def not_migrated(error: BaseException) -> bool:
    """Whether `error`, or what caused it, is Postgres saying a table, function or type of the schema is missing."""
    seen: set[int] = set()
    pending = [error]
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if type(current).__module__.startswith("psycopg") and type(current).__name__ in _MISSING:
            return True
        pending.extend(cause for cause in (current.__cause__, current.__context__) if cause is not None)
    return False


class WorkersInChargeError(SetupError):
    """A command would advance runs in its own process while workers advance them (`recover` beside workers)."""
