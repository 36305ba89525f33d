"""Creation order on Postgres: a page of runs never ends past a run that is still being created.

A page of runs goes on after the (created_at, run_id) of the last run it showed (`pages`). Registrations commit
in any order: one that began first (and waited on a document's lock, or was slow) can commit after a later one,
and so after a page that showed the later run was read. Its run, sorting before that page's cursor, would never
be shown to a client paging on.

So a run's creation time is the database's clock when its row is inserted (the same clock on every host), and a
page holds only runs created before the *horizon*: the start of the oldest transaction another claimflow session
of this database has open, or now when none has. The horizon is read in a statement before the page's own, so:
- a run not committed when the page's statement began was either being created when the horizon was read (its
  transaction began at or after the horizon, and the run was inserted later still), or began after that (later
  than the horizon again): either way it sorts after every run the page shows;
- a run committed by then is in the page's snapshot, sorted among the rest.
What a page leaves out for the horizon is on the next page, or the next read: the page says no more follows
only when nothing at all followed in its snapshot.

"claimflow sessions" are those with this session's `application_name` (`claimflow-registry` unless the
database URL names another), so another application's long transaction holds no page back. A claimflow process
connecting under another name, or as a role whose sessions this one may not see in `pg_stat_activity`, is not
waited for: its runs may be skipped as before.
"""

from __future__ import annotations

import time
from typing import LiteralString

from claimflow.runtime.registry.runs import RUN_COLUMNS, NewRun

_DATABASE_NOW: LiteralString = "extract(epoch FROM statement_timestamp())::double precision"
"""The database's time as the inserting statement began: after its transaction did, and one value for both columns."""

_STAMPED = ("created_at", "updated_at")

RUN_VALUES: LiteralString = ", ".join(_DATABASE_NOW if column in _STAMPED else "%s" for column in RUN_COLUMNS)
"""A new run's values in the order of `RUN_COLUMNS`, its creation time the database's: `parameters(run)` fill it."""

INSERT_INTO: LiteralString = "INSERT INTO claimflow_runs (" + ", ".join(RUN_COLUMNS) + ")"
"""The head of a statement inserting a run: `VALUES (RUN_VALUES)`, or `SELECT RUN_VALUES ...` for one inserted
only on a condition."""

INSERT_RUN: LiteralString = INSERT_INTO + " VALUES (" + RUN_VALUES + ")"
"""Inserts a new run; parameters `parameters(run)`."""

HORIZON: LiteralString = (
    "SELECT extract(epoch FROM LEAST(clock_timestamp(), min(xact_start)))::double precision AS horizon"
    " FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
    " AND application_name = current_setting('application_name') AND xact_start IS NOT NULL"
)
"""The time before which every run a page may show has committed (see the module)."""


def parameters(run: NewRun) -> tuple[object, ...]:
    """The parameters of `RUN_VALUES`: the run's values but its creation and first update time."""
    values = run.values(time.time())  # an owner's lease runs from the process's clock, as every lease does
    return tuple(value for column, value in zip(RUN_COLUMNS, values, strict=True) if column not in _STAMPED)
