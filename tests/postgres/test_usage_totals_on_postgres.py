"""On Postgres, model calls and their cost are counted as their events are stored, so a scrape reads a few rows.

`/metrics` asks for the totals on every scrape. Summed over the events table, that was a scan of every event of
every run (some 85 ms at 20,000 runs, growing with the table). A statement-level trigger on the events table adds
each INSERT's model calls to one of `USAGE_SHARDS` rows; a database whose events predate it is counted once,
under a lock, when the trigger is made.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import psycopg
import pytest

from claimflow.runtime.registry._pg_schema import SAFE_COST, USAGE_SHARDS, apply_schema, connect
from claimflow.runtime.registry.postgres import USAGE_TOTALS, PostgresRegistry
from claimflow.state.events import Event, event

pytestmark = pytest.mark.postgres


@pytest.fixture
def registry(postgres_url: str) -> Iterator[PostgresRegistry]:
    made = PostgresRegistry(postgres_url)
    yield made
    made.close()


def _calls(count: int, cost: float | str | None = 0.25) -> list[Event]:
    return [event("model.called", "extract", cost=cost) for _ in range(count)]


def _summed_from_events(url: str) -> tuple[int, float]:
    """The totals the slow way: every model call among the stored events, and the costs that are numbers."""
    with psycopg.connect(url) as conn:
        row = conn.execute(
            f"SELECT count(*), COALESCE(sum({SAFE_COST}), 0) FROM claimflow_events WHERE type = 'model.called'"
        ).fetchone()
    assert row is not None
    return int(row[0]), float(row[1])


def test_the_totals_are_read_without_touching_the_events(registry: PostgresRegistry, postgres_url: str) -> None:
    with psycopg.connect(postgres_url) as conn:
        plan = "\n".join(str(row[0]) for row in conn.execute("EXPLAIN " + USAGE_TOTALS))
    assert "claimflow_usage_totals" in plan
    assert "claimflow_events" not in plan


def test_calls_are_counted_once_and_a_cost_that_is_not_a_number_counts_the_call_alone(
    registry: PostgresRegistry, postgres_url: str
) -> None:
    batch = [*_calls(3), event("step.completed", "extract", cost=9.0), *_calls(1, cost="0.5"), *_calls(1, None)]
    registry.append_events("run-usage-1", batch)
    registry.append_events("run-usage-1", batch)  # the same events again: stored once, counted once
    registry.append_many([("run-usage-2", _calls(2, 0.5)), ("run-usage-3", [])])
    assert registry.usage_totals() == (7, 1.75)
    assert registry.usage_totals() == _summed_from_events(postgres_url)


def test_runs_storing_calls_at_once_lose_no_count(registry: PostgresRegistry, postgres_url: str) -> None:
    threads, batches = 8, 15
    failures: list[BaseException] = []

    def store(worker: int) -> None:
        try:
            for batch in range(batches):
                registry.append_events(f"run-{worker}-{batch}", _calls(2))
        except BaseException as error:  # reported below: a thread's error would otherwise vanish
            failures.append(error)

    started = [threading.Thread(target=store, args=(worker,)) for worker in range(threads)]
    for thread in started:
        thread.start()
    for thread in started:
        thread.join()
    assert failures == []
    assert registry.usage_totals() == (threads * batches * 2, threads * batches * 2 * 0.25)
    with psycopg.connect(postgres_url) as conn:
        shards = conn.execute("SELECT count(*) FROM claimflow_usage_totals").fetchone()
    assert shards == (USAGE_SHARDS,)


def test_a_database_whose_events_predate_the_totals_is_counted_once(postgres_url: str) -> None:
    registry = PostgresRegistry(postgres_url)
    try:
        registry.append_events("run-before", _calls(4))
        with psycopg.connect(postgres_url, autocommit=True) as conn:  # the schema of a release before the totals
            conn.execute("DROP TRIGGER claimflow_events_usage ON claimflow_events")
            conn.execute("DROP FUNCTION claimflow_count_model_calls()")
            conn.execute("DROP TABLE claimflow_usage_totals")
        registry.append_events("run-before", _calls(2, 0.5))  # stored by a release before the totals
    finally:
        registry.close()
    upgraded = PostgresRegistry(postgres_url)  # opening applies the schema: the totals count what is stored
    try:
        assert upgraded.usage_totals() == (6, 2.0)
        with connect(postgres_url) as conn:
            apply_schema(conn)  # a second process opening later: nothing is counted twice
        upgraded.append_events("run-after", _calls(1))
        assert upgraded.usage_totals() == (7, 2.25)
        assert upgraded.usage_totals() == _summed_from_events(postgres_url)
    finally:
        upgraded.close()
