"""Upsert a record into a user's table in the configured Postgres database, one row per run.

Columns: `run_id` text primary key, `doc_type` text, `document` text (the file name), `record` jsonb (the
typed record, as `claimflow export` writes it), `idempotency_key` text, `delivered_at` timestamptz. The table is
created if missing. A repeated delivery updates the run's row, so the table holds one row per run.
"""

from __future__ import annotations

import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb

from claimflow.state.records import DocumentRecord


def _name(table: str) -> sql.Composable:
    return sql.SQL(".").join(sql.Identifier(part) for part in table.split("."))


_CREATE = """CREATE TABLE IF NOT EXISTS {table} (
    run_id text PRIMARY KEY,
    doc_type text NOT NULL,
    document text NOT NULL,
    record jsonb NOT NULL,
    idempotency_key text NOT NULL,
    delivered_at timestamptz NOT NULL DEFAULT now()
)"""

_UPSERT = """INSERT INTO {table} (run_id, doc_type, document, record, idempotency_key)
VALUES (%s, %s, %s, %s, %s)
ON CONFLICT (run_id) DO UPDATE SET doc_type = EXCLUDED.doc_type, document = EXCLUDED.document,
    record = EXCLUDED.record, idempotency_key = EXCLUDED.idempotency_key, delivered_at = now()"""


async def upsert_record(url: str, table: str, record: DocumentRecord, *, key: str, timeout_s: float) -> None:
    """Create `table` if missing and write the record's row in one transaction."""
    name = _name(table)
    async with await psycopg.AsyncConnection.connect(url, connect_timeout=max(1, int(timeout_s))) as conn:
        async with conn.transaction():
            await conn.execute(sql.SQL(f"SET LOCAL statement_timeout = {int(timeout_s * 1000)}"))
            # Two workers creating the table at once would collide in the catalog: one creates, the other waits.
            await conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"claimflow-deliver:{table}",))
            await conn.execute(sql.SQL(_CREATE).format(table=name))
            values = (record.run_id, record.doc_type, record.filename, Jsonb(record.model_dump(mode="json")), key)
            await conn.execute(sql.SQL(_UPSERT).format(table=name), values)
