"""When the data directory, the document store or the database fails: a condition of the machine, not a document's.

A full disk, a file-size limit, a lost or refused database connection, a document store that does not hold a run's
document would fail every following document the same way, and a run marked failed for it would never be
continued. So such an error is not a document's failure: it stops the batch, is told in one line, and leaves every
run registered so far where it stands, to be continued by running the same command again or by `claimflow recover`.
"""

from __future__ import annotations

import errno
import re
import sqlite3
import sys

from claimflow.state.errors import OfflineHookError, RuleFailedError

STORAGE_ERRNOS = frozenset({errno.ENOSPC, errno.EFBIG, errno.EDQUOT, errno.EROFS, errno.EIO})
"""Errors of writing files that say the storage is full, limited, read-only or failing."""

_SQLITE_UNAVAILABLE = frozenset({8, 10, 13, 14})
"""SQLite's primary result codes READONLY, IOERR, FULL and CANTOPEN: the database file cannot be written."""

_SQLITE_DAMAGED = frozenset({11, 26})
"""SQLite's primary result codes CORRUPT and NOTADB: a database file damaged, or another file in its place."""

_POSTGRES_UNAVAILABLE = ("08", "53", "57P")
"""SQLSTATE classes: connection exceptions, insufficient resources (disk full), the server shutting down."""


class UnavailableError(Exception):
    """Raised by claimflow's own code for such a condition; its message is the one line that says what and why."""


def unavailable_reason(error: BaseException) -> str | None:
    """One line saying what cannot be written or reached, if `error` (or what caused it) is such a condition.

    claimflow's own `UnavailableError` anywhere in the chain wins: it says what became of the work (a lost
    connection that also fails the clean-up after it would otherwise hide that).
    """
    chain = _chain(error)
    own = [_one_line(found) for found in chain if isinstance(found, UnavailableError)]
    reasons = own or [reason for reason in map(_reason, chain) if reason is not None]
    return reasons[0] if reasons else None


def _chain(error: BaseException) -> list[BaseException]:
    """`error`, then what caused it or was being handled, breadth first, each once."""
    seen: set[int] = set()
    found: list[BaseException] = []
    pending = [error]
    while pending:
        current = pending.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        found.append(current)
        if isinstance(current, RuleFailedError | OfflineHookError):
            # What a type's own code raised (its rule read a database of its own): that document's failure, never
            # storage that stops every run, whatever the user's code met.
            continue
        if isinstance(current, BaseExceptionGroup):
            pending.extend(current.exceptions)
        pending.extend(cause for cause in (current.__cause__, current.__context__) if cause is not None)
    return found


def _reason(error: BaseException) -> str | None:
    if isinstance(error, UnavailableError):
        return _one_line(error)
    if isinstance(error, OSError) and error.errno in STORAGE_ERRNOS:
        where = f" {error.filename}" if error.filename else ""
        return f"cannot write{where}: {error.strerror or error}"
    sqlite_code = getattr(error, "sqlite_errorcode", 0) & 0xFF if isinstance(error, sqlite3.Error) else None
    if sqlite_code in _SQLITE_UNAVAILABLE:
        return f"cannot write the SQLite database: {_one_line(error)}"
    if sqlite_code in _SQLITE_DAMAGED:
        # Not a document's failure: every run would meet it. The data directory needs a copy of its files restored.
        return (
            f"cannot read a SQLite database of the data directory: {_one_line(error)}; the file is damaged or is"
            " not claimflow's: restore the data directory from a copy, or name another with --data-dir"
        )
    # psycopg is imported only when Postgres is used; without it, no error can be one of its own.
    psycopg = sys.modules.get("psycopg")
    if psycopg is not None and isinstance(error, psycopg.OperationalError | psycopg.InterfaceError):
        state = getattr(error, "sqlstate", None)
        if state is None or state.startswith(_POSTGRES_UNAVAILABLE):
            return f"the database cannot be reached or written: {_one_line(error)}{_connection_hint(str(error))}"
    return None


_NO_DATABASE = re.compile(r'database "([^"]+)" does not exist')
_NOT_LET_IN = re.compile(r'role "[^"]+" does not exist|password authentication failed|no password supplied')


def _connection_hint(text: str) -> str:
    """What to do when the server answered but refused the connection, which waiting will not change; else ''.

    Read from the server's words: libpq's connection errors carry no SQLSTATE.
    """
    if missing := _NO_DATABASE.search(text):
        name = missing.group(1)
        return f"; create it (`createdb {name}`, or `CREATE DATABASE {name}`), then run `claimflow db migrate`"
    if _NOT_LET_IN.search(text):
        return "; check the user and password in CLAIMFLOW_DATABASE_URL (or ~/.pgpass, PGPASSWORD)"
    return ""


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split()) or type(error).__name__
