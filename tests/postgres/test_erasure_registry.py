"""Erasing a run in the registry, on SQLite and Postgres: its events' data only, the guard stays for the rest.

The events are append-only (`test_events_refuse_updates_and_deletes`): erasure lifts that for its own transaction
alone, and only for an event's data. The model usage /metrics reports is not changed by it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path

import psycopg
import pytest

from claimflow.runtime.registry import NewRun, Registry, RunBusyError, RunRegistry
from claimflow.runtime.registry._pg_schema import connect
from claimflow.runtime.registry.postgres import PostgresRegistry
from claimflow.state.documents import DocumentRef
from claimflow.state.events import event

DOCUMENT = DocumentRef(document_id="cd" * 32, filename="jolanda-invoice.pdf", media_type="application/pdf", size=9)
OLD_GUARD = """
CREATE OR REPLACE FUNCTION claimflow_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'events are append-only (% on %)', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END
$$
"""
"""The guard as versions before erasure made it."""


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def made(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[RunRegistry, Callable[[str], None]]]:
    """A registry, and a raw connection's way to run a statement on its database (in a transaction of its own)."""
    if request.param == "sqlite":
        path = tmp_path / "registry.sqlite"

        def raw_sqlite(statement: str) -> None:
            with closing(sqlite3.connect(path)) as db:
                db.execute(statement)
                db.commit()

        registry: RunRegistry = Registry(path)
        yield registry, raw_sqlite
    else:
        url = request.getfixturevalue("postgres_url")

        def raw_postgres(statement: str) -> None:
            with psycopg.connect(url) as conn:  # one transaction: a SET LOCAL holds for what follows it
                conn.execute(statement)

        registry = PostgresRegistry(url)
        yield registry, raw_postgres
    registry.close()


def _finished_run(registry: RunRegistry, run_id: str) -> None:
    registry.create_run(NewRun(run_id=run_id, document=DOCUMENT, workflow="w", workflow_version="v", model="m"))
    registry.claim(run_id, owner="tester", allowed=("queued",), status="running")
    registry.append_events(
        run_id,
        [
            event("model.called", "extract", model="m", cost=0.25, input_tokens=120),
            event("claim.accepted", "extract", field="buyer_name", value="Jolanda Brandt", check="own_label"),
        ],
    )
    registry.release(run_id, owner="tester", status="completed")


def test_erasure_rewrites_an_events_data_alone_and_the_guard_stays(
    made: tuple[RunRegistry, Callable[[str], None]],
) -> None:
    registry, raw = made
    _finished_run(registry, "run-erase-1")
    before, usage = registry.events("run-erase-1"), registry.usage_totals()

    erased = registry.erase_run("run-erase-1", reason="DS-20", removed={"blobs": 0})

    assert erased is not None and erased.events == 1  # the claim; the model call holds no text of the document
    after = registry.events("run-erase-1")
    shape = [(row["event_id"], row["type"], row["step"], row["at"]) for row in after[:-1]]
    assert shape == [(row["event_id"], row["type"], row["step"], row["at"]) for row in before]
    assert after[1]["data"] == {"field": "buyer_name", "value": "[erased]", "check": "own_label"}
    assert after[-1]["type"] == "run.erased" and after[-1]["data"]["reason"] == "DS-20"
    assert registry.usage_totals() == usage == (1, 0.25)
    assert registry.get_run("run-erase-1").filename == "[erased]"
    assert registry.erase_run("run-erase-1", reason="again", removed={}) is None, "erased before: nothing changes"
    events = "events" if isinstance(registry, Registry) else "claimflow_events"
    for statement in (f"UPDATE {events} SET data = '{{}}'", f"DELETE FROM {events}"):
        with pytest.raises((sqlite3.DatabaseError, psycopg.DatabaseError), match="append-only"):
            raw(statement)
    if not isinstance(registry, Registry):  # the setting lets an event's data through, never its shape
        with pytest.raises(psycopg.DatabaseError, match="append-only"):
            raw(f"SET LOCAL claimflow.erasing = 'on'; UPDATE {events} SET step = 'forged'")
        with pytest.raises(psycopg.DatabaseError, match="append-only"):
            raw(f"SET LOCAL claimflow.erasing = 'on'; DELETE FROM {events}")
    assert registry.events("run-erase-1") == after


def test_an_unfinished_run_is_not_erased(made: tuple[RunRegistry, Callable[[str], None]]) -> None:
    registry, _ = made
    registry.create_run(NewRun(run_id="run-open", document=DOCUMENT, workflow="w", workflow_version="v", model="m"))
    with pytest.raises(RunBusyError, match="is queued, not finished"):
        registry.erase_run("run-open", reason="DS-21", removed={})
    assert registry.get_run("run-open").filename == DOCUMENT.filename


@pytest.mark.postgres
def test_a_database_made_before_erasure_gets_the_guard_that_lets_it_through(postgres_url: str) -> None:
    PostgresRegistry(postgres_url).close()
    with connect(postgres_url) as conn:
        conn.execute(OLD_GUARD)
    registry = PostgresRegistry(postgres_url)  # opening it upgrades the guard
    try:
        _finished_run(registry, "run-erase-2")
        erased = registry.erase_run("run-erase-2", reason="DS-22", removed={})
        assert erased is not None and registry.events("run-erase-2")[1]["data"]["value"] == "[erased]"
    finally:
        registry.close()
