"""How many bytes a run's checkpoints take, in the saver's own tables (SQLite or Postgres)."""

from __future__ import annotations

from typing import Any

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

_SQLITE = (
    "SELECT (SELECT coalesce(sum(length(checkpoint) + length(metadata)), 0) FROM checkpoints WHERE thread_id = ?)"
    " + (SELECT coalesce(sum(length(value)), 0) FROM writes WHERE thread_id = ?)"
)
_POSTGRES = (
    "SELECT (SELECT coalesce(sum(pg_column_size(checkpoint) + pg_column_size(metadata)), 0) FROM checkpoints"
    " WHERE thread_id = %(t)s) + (SELECT coalesce(sum(length(blob)), 0) FROM checkpoint_blobs WHERE thread_id = %(t)s)"
    " + (SELECT coalesce(sum(length(blob)), 0) FROM checkpoint_writes WHERE thread_id = %(t)s) AS size"
)


async def checkpoint_bytes(saver: BaseCheckpointSaver[Any], thread_id: str) -> int:
    """The bytes of every checkpoint, pending write and channel blob of one thread (0 for another saver)."""
    if isinstance(saver, AsyncSqliteSaver):
        # Under the saver's lock, as its own reads: nothing else uses the connection meanwhile.
        async with saver.lock, saver.conn.execute(_SQLITE, (thread_id, thread_id)) as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0
    # Imported here: a SQLite process never loads psycopg (see `claimflow.runtime.checkpoint_postgres`).
    from claimflow.runtime.checkpoint_postgres import PooledPostgresSaver  # noqa: PLC0415

    if isinstance(saver, PooledPostgresSaver):
        async with saver.pool.connection() as conn:
            found = await (await conn.execute(_POSTGRES, {"t": thread_id})).fetchone()
        return int(found["size"]) if found else 0
    return 0
