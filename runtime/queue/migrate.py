"""`claimflow db migrate`: create or bring up to date every schema production mode needs, as often as asked.

The registry's tables, LangGraph's checkpoint tables (the saver's `setup()`, which records its own
migrations), procrastinate's tables, and claimflow's record of each worker beside them (`roster`). Two migrations
at once are serialised by an advisory lock; a schema already in place is left as it is. Maintenance jobs waiting
since an older claimflow are given the priority the maintenance tasks now carry (procrastinate's table has the
column: no schema change).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from procrastinate import App

from claimflow.runtime.checkpoint_postgres import postgres_checkpointer
from claimflow.runtime.queue.app import build_app
from claimflow.runtime.queue.names import MAINTENANCE_PRIORITY, MAINTENANCE_QUEUE
from claimflow.runtime.queue.roster import WORKERS_MARKED, WORKERS_TABLE
from claimflow.runtime.registry._pg_schema import connect
from claimflow.runtime.registry.postgres import PostgresRegistry
from claimflow.runtime.settings import Settings

_QUEUE_SCHEMA_LOCK = 0x636C_6D66_6C77_0002
"""Serialises creating procrastinate's schema (as the registry's own lock does for its tables)."""


@dataclass(frozen=True)
class Migrated:
    """What a migration found and did."""

    registry: str
    checkpoints: str
    queue: str


def _apply_queue_schema(url: str, app: App) -> str:
    """Make the queue's tables: `created` (a new queue), `updated` (an older claimflow's, completed) or `present`."""
    with connect(url) as conn, conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_QUEUE_SCHEMA_LOCK,))
        found = conn.execute(
            "SELECT to_regclass('procrastinate_jobs') IS NOT NULL AS queue,"
            " to_regclass('claimflow_workers') IS NOT NULL AS workers"
        ).fetchone()
        if found is None or not found["queue"]:
            conn.execute(app.schema_manager.get_schema())
            conn.execute(WORKERS_TABLE)
            return "created"
        # Maintenance jobs an older claimflow queued wait behind every run job queued before them: ahead now.
        conn.execute(
            "UPDATE procrastinate_jobs SET priority = %s WHERE queue_name = %s AND status = 'todo' AND priority < %s",
            (MAINTENANCE_PRIORITY, MAINTENANCE_QUEUE, MAINTENANCE_PRIORITY),
        )
        if found["workers"]:
            marked = conn.execute(
                "SELECT count(*) AS n FROM information_schema.columns"
                " WHERE table_name = 'claimflow_workers' AND column_name IN ('process_start', 'process_space')"
            ).fetchone()
            if marked is not None and marked["n"] == 2:
                return "present"
            conn.execute(WORKERS_MARKED)  # the records of a claimflow older than the process's mark (`exited`)
            return "updated"
        conn.execute(WORKERS_TABLE)  # the queue of a claimflow older than the workers' records
    return "updated"


async def migrate(settings: Settings) -> Migrated:
    """Apply every schema to `settings.database_url`; harmless when run again."""
    url = settings.database_url
    if not url:
        raise ValueError("`claimflow db migrate` needs CLAIMFLOW_DATABASE_URL (a Postgres database)")
    registry = await asyncio.to_thread(PostgresRegistry, url, size=1)  # applies its schema
    registry.close()
    async with postgres_checkpointer(url, size=1, synchronous_commit="on"):
        pass  # setup() runs on open; its migrations are flushed before `db migrate` says they are ready
    queue = await asyncio.to_thread(_apply_queue_schema, url, build_app(settings))
    return Migrated(registry="ready", checkpoints="ready", queue=queue)
