"""A new run's creation time on Postgres: runs are created in the order their transactions commit.

A page of runs goes on after the (created_at, run_id) of the last run it showed (`pages`). A creation time read
before a transaction commits may be older than that of a run another session committed meanwhile: a run
committed after a page was read would then sort before the page's cursor, where no client paging on sees it.
So a transaction that creates a run first takes one transaction-level advisory lock (a statement of its own, so
that the next one sees every run committed while it waited), then reads the time from the database's one clock,
after the latest creation time stored. The lock is held while a registration commits: one round trip, or in
production mode the few statements that also record its start job.
"""

from __future__ import annotations

import time
from typing import LiteralString

from claimflow.runtime.registry.runs import RUN_COLUMNS, NewRun

CREATION_LOCK: LiteralString = "SELECT pg_advisory_xact_lock(hashtextextended('claimflow:run-created', 0))"
"""Held from before a run's creation time is read until its transaction ends."""

CREATED_FROM: LiteralString = (
    "(SELECT GREATEST(extract(epoch FROM clock_timestamp())::double precision,"
    " (SELECT max(created_at) FROM claimflow_runs) + 0.000001) AS at) AS created"
)
"""A FROM item: `created.at`, now, and later than every run stored, should the clock have gone back."""

_STAMPED = ("created_at", "updated_at")

VALUES: LiteralString = ", ".join("created.at" if column in _STAMPED else "%s" for column in RUN_COLUMNS)
"""A new run's values for `INSERT ... SELECT VALUES FROM CREATED_FROM`, in the order of `RUN_COLUMNS`."""


INSERT_RUN: LiteralString = (
    "INSERT INTO claimflow_runs (" + ", ".join(RUN_COLUMNS) + ") SELECT " + VALUES + " FROM " + CREATED_FROM
)
"""Inserts a new run, its values `parameters(run)`, after `CREATION_LOCK` in the same transaction."""


def parameters(run: NewRun) -> tuple[object, ...]:
    """The parameters of `VALUES`: the run's values but its creation (and first update) time."""
    values = run.values(time.time())  # the time an owner's lease runs from: the process's clock, as leases are
    return tuple(value for column, value in zip(RUN_COLUMNS, values, strict=True) if column not in _STAMPED)
