"""The Postgres session the registry runs on: how it connects, and its `claimflow_` schema beside LangGraph's tables.

Two processes starting on a fresh database at once would race in `CREATE TABLE IF NOT EXISTS` (both pass the
existence check, one fails on the catalog's unique index), so the DDL runs in one transaction that first takes a
transaction-level advisory lock on a constant key. When every object already exists no DDL runs at all, so a role
without CREATE rights can use a schema created by a migration step.

Model calls and their cost (what `/metrics` reports on every scrape) are counted as their events are stored: a
statement-level trigger on the events table adds each INSERT's calls to one of `USAGE_SHARDS` rows of
`claimflow_usage_totals`, so a scrape reads sixteen rows, not every event of every run. Where the events predate
the trigger, making it counts them first, with new events held back meanwhile (a one-off scan of the table).

The events are append-only: a trigger refuses every UPDATE, DELETE and TRUNCATE, but for an UPDATE of an event's
`data` alone in a transaction that set `claimflow.erasing` (`claimflow erase`, see `_pg_erasure`). A database whose
guard predates that is not ready, so opening it replaces the guard's function.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, LiteralString

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from claimflow.runtime.ended_sessions import SessionCheck
from claimflow.runtime.reconnect import CONNECT_TIMEOUT_S, WAIT_S, ReconnectingPool

Row = dict[str, Any]

_CLIENT_DEFAULTS = {
    "application_name": "claimflow-registry",
    "keepalives": "1",
    "keepalives_idle": "30",
    "keepalives_interval": "10",
    "keepalives_count": "3",
    "connect_timeout": str(CONNECT_TIMEOUT_S),
}
"""libpq settings used unless the URL names its own: the client notices a dead server within about a minute, and
gives up a connection a server took but never answered after 10 s (libpq would wait for ever, and Ctrl-C with it:
a command's threads are waited for as it stops)."""

_SERVER_KEEPALIVES = "SET tcp_keepalives_idle = 30; SET tcp_keepalives_interval = 10; SET tcp_keepalives_count = 3"
"""The server's side (ignored over a Unix socket): a dead client's session and its locks go within a minute."""

SERVER_KEEPALIVES = _SERVER_KEEPALIVES
"""The same, for sessions opened outside the registry's pool (a run's advisory-lock session)."""

SCHEMA_LOCK_KEY = 0x636C_6D66_6C77_0001
"""The advisory lock key that serialises schema creation ("clmflw" and a version, as a bigint)."""

_TABLES = """
CREATE TABLE IF NOT EXISTS claimflow_runs (
    run_id text COLLATE "C" PRIMARY KEY,
    document_id text NOT NULL,
    filename text NOT NULL,
    media_type text NOT NULL,
    size bigint NOT NULL,
    workflow text NOT NULL,
    workflow_version text NOT NULL,
    model text NOT NULL,
    status text NOT NULL,
    doc_type text,
    interrupt_id text,
    error text,
    lease_owner text,
    lease_until double precision,
    created_at double precision NOT NULL,
    updated_at double precision NOT NULL
);
CREATE INDEX IF NOT EXISTS claimflow_runs_status ON claimflow_runs (status);
CREATE INDEX IF NOT EXISTS claimflow_runs_created ON claimflow_runs (created_at, run_id);
ALTER TABLE claimflow_runs ADD COLUMN IF NOT EXISTS source text;
ALTER TABLE claimflow_runs ADD COLUMN IF NOT EXISTS review_opened_at double precision;
ALTER TABLE claimflow_runs ADD COLUMN IF NOT EXISTS review_due_at double precision;
ALTER TABLE claimflow_runs ADD COLUMN IF NOT EXISTS assignee text;
ALTER TABLE claimflow_runs ADD COLUMN IF NOT EXISTS priority text;
ALTER TABLE claimflow_runs ADD COLUMN IF NOT EXISTS escalated_at double precision;
ALTER TABLE claimflow_runs ADD COLUMN IF NOT EXISTS overdue_at double precision;
CREATE INDEX IF NOT EXISTS claimflow_runs_document ON claimflow_runs (document_id, source);
-- A file's latest run is looked up by its source alone, twice a new file (before its bytes are stored, then as it
-- registers): without this index each look is a scan of every run.
CREATE INDEX IF NOT EXISTS claimflow_runs_source ON claimflow_runs (source, created_at, run_id);
CREATE TABLE IF NOT EXISTS claimflow_events (
    seq bigserial PRIMARY KEY,
    event_id text NOT NULL UNIQUE,
    run_id text COLLATE "C" NOT NULL,
    type text NOT NULL,
    step text NOT NULL,
    at text NOT NULL,
    data jsonb NOT NULL
);
CREATE INDEX IF NOT EXISTS claimflow_events_run ON claimflow_events (run_id, seq);
CREATE TABLE IF NOT EXISTS claimflow_review_decisions (
    seq bigserial PRIMARY KEY,
    run_id text COLLATE "C" NOT NULL,
    interrupt_id text,
    reviewer text NOT NULL,
    decision text NOT NULL,
    outcome text NOT NULL,
    message text,
    at double precision NOT NULL
);
ALTER TABLE claimflow_review_decisions ADD COLUMN IF NOT EXISTS decider text;
CREATE INDEX IF NOT EXISTS claimflow_review_decisions_run ON claimflow_review_decisions (run_id, seq);
CREATE TABLE IF NOT EXISTS claimflow_record_keys (
    run_id text COLLATE "C" PRIMARY KEY,
    doc_type text NOT NULL,
    key text NOT NULL
);
CREATE INDEX IF NOT EXISTS claimflow_record_keys_key ON claimflow_record_keys (doc_type, key);
CREATE TABLE IF NOT EXISTS claimflow_key_claims (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_id text COLLATE "C" NOT NULL UNIQUE,
    doc_type text NOT NULL,
    key text NOT NULL
);
CREATE INDEX IF NOT EXISTS claimflow_key_claims_key ON claimflow_key_claims (doc_type, key, seq);
CREATE TABLE IF NOT EXISTS claimflow_run_finals (
    run_id text COLLATE "C" PRIMARY KEY,
    state text NOT NULL,
    stored_at double precision NOT NULL,
    pruned_at double precision
);
CREATE TABLE IF NOT EXISTS claimflow_prompt_pins (
    ref text PRIMARY KEY,
    hash text NOT NULL,
    first_seen double precision NOT NULL
);
CREATE TABLE IF NOT EXISTS claimflow_api_tokens (
    name text PRIMARY KEY,
    token_hash text NOT NULL UNIQUE,
    role text NOT NULL,
    types jsonb,
    created_at double precision NOT NULL,
    revoked_at double precision
);
CREATE TABLE IF NOT EXISTS claimflow_blobs (
    blob_id text COLLATE "C" PRIMARY KEY,
    data bytea NOT NULL,
    size bigint NOT NULL,
    created_at double precision NOT NULL
);
CREATE TABLE IF NOT EXISTS claimflow_usage_totals (
    shard smallint PRIMARY KEY,
    calls bigint NOT NULL,
    cost double precision NOT NULL
);
ALTER TABLE claimflow_runs ADD COLUMN IF NOT EXISTS model_base_url text;
DO $$
BEGIN
    -- Runs run again before the column: each has its `run.superseded` event naming the new run, and an error
    -- saying so (a run's error alone could be a file's name). Filled once, as the column is added.
    IF NOT EXISTS (SELECT FROM pg_attribute WHERE attrelid = 'claimflow_runs'::regclass
                   AND attname = 'superseded_by' AND NOT attisdropped) THEN
        ALTER TABLE claimflow_runs ADD COLUMN superseded_by text;
        UPDATE claimflow_runs AS r SET superseded_by = e.data->>'rerun' FROM claimflow_events AS e
        WHERE e.run_id = r.run_id AND e.type = 'run.superseded' AND r.status = 'failed'
        AND starts_with(r.error, 'superseded: run again as ');
    END IF;
END $$;
ALTER TABLE claimflow_blobs ADD COLUMN IF NOT EXISTS saved_at double precision;
"""

_APPEND_ONLY_FUNCTION = """
CREATE OR REPLACE FUNCTION claimflow_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- `claimflow erase` rewrites an erased run's event data, and nothing else of it, in a transaction that says so.
    IF TG_OP = 'UPDATE' AND current_setting('claimflow.erasing', true) = 'on'
       AND (NEW.seq, NEW.event_id, NEW.run_id, NEW.type, NEW.step, NEW.at)
           IS NOT DISTINCT FROM (OLD.seq, OLD.event_id, OLD.run_id, OLD.type, OLD.step, OLD.at) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'events are append-only (% on %)', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END
$$
"""

_APPEND_ONLY_TRIGGERS = """
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = 'claimflow_events'::regclass
                   AND tgname = 'claimflow_events_append_only') THEN
        CREATE TRIGGER claimflow_events_append_only BEFORE UPDATE OR DELETE ON claimflow_events
            FOR EACH ROW EXECUTE FUNCTION claimflow_events_append_only();
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = 'claimflow_events'::regclass
                   AND tgname = 'claimflow_events_no_truncate') THEN
        CREATE TRIGGER claimflow_events_no_truncate BEFORE TRUNCATE ON claimflow_events
            FOR EACH STATEMENT EXECUTE FUNCTION claimflow_events_append_only();
    END IF;
END
$$
"""

USAGE_SHARDS = 16
"""Rows of `claimflow_usage_totals`: each INSERT of model calls adds to one, chosen at random, so runs finishing at
once rarely wait on one another's row lock."""

SAFE_COST = "CASE WHEN jsonb_typeof(data->'cost') = 'number' THEN (data->>'cost')::double precision END"
"""An event's cost, or NULL when it has none (or not a number): counting a call never fails its event's insert."""

_USAGE_FUNCTION = f"""
CREATE OR REPLACE FUNCTION claimflow_count_model_calls() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    added_calls bigint;
    added_cost double precision;
    chosen smallint := floor(random() * {USAGE_SHARDS})::smallint;
BEGIN
    SELECT count(*), COALESCE(sum({SAFE_COST}), 0) INTO added_calls, added_cost
        FROM claimflow_new_events WHERE type = 'model.called';
    IF added_calls > 0 THEN
        UPDATE claimflow_usage_totals SET calls = calls + added_calls, cost = cost + added_cost WHERE shard = chosen;
    END IF;
    RETURN NULL;
END
$$
"""

_USAGE_TRIGGER = f"""
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = 'claimflow_events'::regclass
                   AND tgname = 'claimflow_events_usage') THEN
        -- No event is stored between the count of those already there and the trigger counting the next ones.
        LOCK TABLE claimflow_events IN SHARE ROW EXCLUSIVE MODE;
        DELETE FROM claimflow_usage_totals;
        INSERT INTO claimflow_usage_totals (shard, calls, cost)
            SELECT shard, 0, 0 FROM generate_series(0, {USAGE_SHARDS - 1}) AS shard;
        UPDATE claimflow_usage_totals SET (calls, cost) = (
            SELECT count(*), COALESCE(sum({SAFE_COST}), 0) FROM claimflow_events WHERE type = 'model.called'
        ) WHERE shard = 0;
        CREATE TRIGGER claimflow_events_usage AFTER INSERT ON claimflow_events
            REFERENCING NEW TABLE AS claimflow_new_events
            FOR EACH STATEMENT EXECUTE FUNCTION claimflow_count_model_calls();
    END IF;
END
$$
"""

_RELATIONS = (
    "claimflow_runs",
    "claimflow_runs_status",
    "claimflow_runs_created",
    "claimflow_runs_document",
    "claimflow_runs_source",
    "claimflow_events",
    "claimflow_events_run",
    "claimflow_review_decisions",
    "claimflow_review_decisions_run",
    "claimflow_record_keys",
    "claimflow_record_keys_key",
    "claimflow_key_claims",
    "claimflow_key_claims_key",
    "claimflow_prompt_pins",
    "claimflow_api_tokens",
    "claimflow_run_finals",
    "claimflow_blobs",
    "claimflow_usage_totals",
)

_READY = """
SELECT
    (SELECT count(*) FROM unnest(%s::text[]) AS name WHERE to_regclass(name) IS NOT NULL) = %s
    AND to_regprocedure('claimflow_events_append_only()') IS NOT NULL
    AND EXISTS (SELECT 1 FROM pg_proc WHERE oid = to_regprocedure('claimflow_events_append_only()')
                AND position('claimflow.erasing' IN prosrc) > 0)
    AND to_regprocedure('claimflow_count_model_calls()') IS NOT NULL
    AND (SELECT count(*) FROM pg_trigger WHERE tgrelid = to_regclass('claimflow_events')
         AND tgname IN ('claimflow_events_append_only', 'claimflow_events_no_truncate', 'claimflow_events_usage')) = 3
    AND EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('claimflow_review_decisions')
                AND attname = 'decider' AND NOT attisdropped)
    AND (SELECT count(*) FROM pg_attribute WHERE attrelid = to_regclass('claimflow_runs')
         AND attname = ANY(%s::text[]) AND NOT attisdropped) = %s
    AS ready
"""

_ADDED_RUN_COLUMNS = (
    "source",
    "review_opened_at",
    "review_due_at",
    "assignee",
    "priority",
    "escalated_at",
    "overdue_at",
    "model_base_url",
    "superseded_by",
)
"""Columns of claimflow_runs added after it was first made: a database without one of them is migrated."""


def schema_ready(conn: psycopg.Connection[Row]) -> bool:
    """Whether every table, index, function and trigger of the registry exists."""
    args = (list(_RELATIONS), len(_RELATIONS), list(_ADDED_RUN_COLUMNS), len(_ADDED_RUN_COLUMNS))
    row = conn.execute(_READY, args).fetchone()
    return bool(row and row["ready"])


def apply_schema(conn: psycopg.Connection[Row]) -> None:
    """Create whatever is missing, one process at a time (the advisory lock is released on commit)."""
    if schema_ready(conn):
        return
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK_KEY,))
        conn.execute(_TABLES)  # several statements: allowed because no parameters are passed
        conn.execute(_APPEND_ONLY_FUNCTION)
        conn.execute(_APPEND_ONLY_TRIGGERS)
        conn.execute(_USAGE_FUNCTION)
        conn.execute(_USAGE_TRIGGER)


def conninfo(url: str) -> str:
    """The URL with claimflow's client defaults for whatever it does not set itself."""
    given = conninfo_to_dict(url)
    return make_conninfo(url, **{key: value for key, value in _CLIENT_DEFAULTS.items() if key not in given})


def configure(conn: psycopg.Connection[Row]) -> None:
    """Set the server's keepalives on a new session."""
    conn.execute(_SERVER_KEEPALIVES)


def connect(url: str) -> psycopg.Connection[Row]:
    """One autocommit session returning dict rows, with TCP keepalives on both ends."""
    conn = psycopg.connect(conninfo(url), autocommit=True, row_factory=dict_row)
    configure(conn)
    return conn


POOL_SIZE = 8
"""Sessions the registry keeps: runs advanced at once each write on their own, held back only by row locks."""


def open_pool(
    url: str,
    size: int,
    *,
    wait_s: float = WAIT_S,
    configure_session: Callable[[psycopg.Connection[Row]], None] = configure,
) -> ConnectionPool[psycopg.Connection[Row]]:
    """Create or check claimflow's schema, then open a pool of up to `size` autocommit sessions (dict rows).

    `wait_s`: how long a request waits for a session (the pool's `timeout`, see `claimflow.runtime.reconnect`).
    `configure_session` sets up each new session (by default the keepalives, `configure`).
    """
    with connect(url) as conn:
        apply_schema(conn)
    check = SessionCheck()  # sessions a restart of the server ended are not lent (see `ended_sessions`)
    pool: ConnectionPool[psycopg.Connection[Row]] = ReconnectingPool(
        conninfo(url),
        min_size=1,
        max_size=size,
        timeout=wait_s,
        kwargs={"autocommit": True, "row_factory": dict_row},
        configure=configure_session,
        check=check,
        open=True,
    )
    check.watch(pool)
    return pool


class PgDatabase:
    """A pool of autocommit sessions with the schema applied, shared by the registry's tables.

    Each statement or transaction takes a session from the pool, so concurrent runs (in threads, see
    `AsyncRegistry`) never wait on one another's round trips; only Postgres' own locks order them.
    """

    def __init__(self, url: str, *, size: int = POOL_SIZE, wait_s: float = WAIT_S) -> None:
        self._pool = open_pool(url, size, wait_s=wait_s)
        # The session of the thread inside `together`: its calls run there, in that one transaction.
        self._together = threading.local()

    def close(self) -> None:
        """Close every session."""
        self._pool.close()

    @contextmanager
    def together(self) -> Iterator[None]:
        """One transaction for every call this thread makes inside: all of them are committed, or none.

        Each write transaction on its own costs a `BEGIN` and a `COMMIT` round trip and a WAL flush; calls that
        belong together (a claim and the release after it) pay them once. (Writes that go together on every run,
        its registration and its settlement, are one round trip each: `_pg_register`, `_pg_settle`.)
        """
        if getattr(self._together, "conn", None) is not None:
            yield
            return
        with self._pool.connection() as conn, conn.transaction():
            self._together.conn = conn
            try:
                yield
            finally:
                self._together.conn = None

    @contextmanager
    def session(self) -> Iterator[psycopg.Connection[Row]]:
        """A session of the pool (autocommit), for writes that must share a transaction with the registry's tables.

        Inside `together`, its session, in its transaction.
        """
        joined = getattr(self._together, "conn", None)
        if joined is not None:
            yield joined
            return
        with self._pool.connection() as conn:
            yield conn

    @contextmanager
    def _write(self) -> Iterator[psycopg.Connection[Row]]:
        # A write transaction of its own, or the one `together` holds open.
        with self.together(), self.session() as conn:
            yield conn

    def _execute(self, query: LiteralString, args: tuple[Any, ...] = ()) -> None:
        with self.session() as conn:
            conn.execute(query, args)

    def _all(self, query: LiteralString, args: tuple[Any, ...] = ()) -> list[Row]:
        with self.session() as conn:
            return conn.execute(query, args).fetchall()
