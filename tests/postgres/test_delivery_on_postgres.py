"""Delivery on Postgres: the webhook scenarios, and the postgres-table target holding one row per run."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest

from claimflow.runtime.delivery.deliverer import NOT_RETRIED
from tests.integration._delivery import (
    SECRET,
    crash_after_send,
    delivered_once_across_a_crash,
    delivery_env,
    events,
    exported,
    parked_then_retried,
)
from tests.integration._docs import invoice_text, json_lines, run_cli, write
from tests.integration._receiver import webhook_receiver

pytestmark = pytest.mark.postgres


def test_a_record_sent_before_a_crash_is_kept_once_on_postgres(tmp_path: Path, postgres_url: str) -> None:
    with webhook_receiver(SECRET) as receiver:
        delivered_once_across_a_crash(tmp_path, receiver, postgres_url)


def test_a_failing_receiver_parks_the_run_until_deliver_retry_on_postgres(tmp_path: Path, postgres_url: str) -> None:
    with webhook_receiver(SECRET) as receiver:
        parked_then_retried(tmp_path, receiver, postgres_url)


def test_the_table_holds_one_row_per_run_after_a_repeated_delivery(tmp_path: Path, postgres_url: str) -> None:
    with webhook_receiver(SECRET) as receiver:
        env = delivery_env(tmp_path / "data", receiver, postgres_url)
        # The table is written first, then the webhook, whose arrival kills the process: the step runs again.
        env["CLAIMFLOW_DELIVER"] = f"postgres-table:delivered.records,webhook:{receiver.url}"
        with psycopg.connect(postgres_url, autocommit=True) as conn:
            conn.execute("CREATE SCHEMA delivered")
        run_id = crash_after_send(tmp_path, receiver, env)

    with psycopg.connect(postgres_url) as conn:
        rows = conn.execute(
            "SELECT run_id, doc_type, document, record, idempotency_key FROM delivered.records"
        ).fetchall()
    assert len(rows) == 1
    (row_run, doc_type, document, record, key) = rows[0]
    assert (row_run, doc_type, document) == (run_id, "invoice", "invoice.txt")
    assert key == receiver.received[0].key
    assert record == json.loads(json.dumps(exported(tmp_path, env)[run_id]))
    upserts = [
        item
        for item in events(run_id, env)
        if item["type"] == "delivery.succeeded" and item["data"]["target"] == "postgres-table:delivered.records"
    ]
    assert len(upserts) == 2, "the table was written by both processes: the second write was an upsert"


def test_a_table_the_database_refuses_the_row_of_is_not_tried_again(tmp_path: Path, postgres_url: str) -> None:
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE other_records (run_id text PRIMARY KEY, payload text)")  # not claimflow's columns
    with webhook_receiver(SECRET) as receiver:
        env = delivery_env(
            tmp_path / "data", receiver, postgres_url,
            CLAIMFLOW_DELIVER_MAX_ATTEMPTS="3", CLAIMFLOW_DELIVER_BACKOFF_S="0.05",
        )  # fmt: skip
        env["CLAIMFLOW_DELIVER"] = "postgres-table:other_records"
        done = run_cli("run", write(tmp_path / "docs", "invoice.txt", invoice_text()), "--json", **env)
    (view,) = json_lines(done.stdout)
    assert view["status"] == "delivery_failed"
    # One line, the database's own words first: not the statement and a caret under it.
    assert "\n" not in view["error"], view["error"]
    assert 'UndefinedColumn: column "doc_type" of relation "other_records" does not exist' in view["error"]
    assert view["error"].endswith(f"(the database refuses the row itself (SQLSTATE 42703), {NOT_RETRIED})")
    failed = [item["data"] for item in events(view["run_id"], env) if item["type"] == "delivery.failed"]
    assert [item["final"] for item in failed] == [True]  # a missing column stays missing: one attempt
