"""What only Postgres has to get right: several sessions racing to claim a run or to create the schema."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import psycopg
import pytest

from claimflow.runtime.registry import NewRun, RunBusyError, RunNotFoundError, RunRow
from claimflow.runtime.registry._pg_schema import connect
from claimflow.runtime.registry.postgres import PostgresRegistry
from claimflow.state.documents import DocumentRef

pytestmark = pytest.mark.postgres

DOCUMENT = DocumentRef(document_id="cd" * 32, filename="receipt.png", media_type="image/png", size=10)
SESSIONS = 6
T = TypeVar("T")


@pytest.fixture
def registries(postgres_url: str) -> Iterator[list[PostgresRegistry]]:
    """Several registries on one database: separate sessions, as separate worker processes would have."""
    made = [PostgresRegistry(postgres_url) for _ in range(SESSIONS)]
    yield made
    for registry in made:
        registry.close()


def _all_at_once(calls: list[Callable[[], T]]) -> list[T | Exception]:
    """Run the calls on threads released together; each gives its result or the exception it raised."""
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], T]) -> T | Exception:
        barrier.wait()
        try:
            return call()
        except Exception as error:  # noqa: BLE001 - collected for the assertions
            return error

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def _claimer(registry: PostgresRegistry, run_id: str, owner: str) -> Callable[[], RunRow]:
    return lambda: registry.claim(run_id, owner=owner, allowed=["queued"], status="running")


def _waiting_on_locks(url: str) -> int:
    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        ).fetchone()
    return int(row[0]) if row else 0


def test_of_sessions_claiming_one_run_at_once_exactly_one_wins(registries: list[PostgresRegistry]) -> None:
    for round_ in range(5):
        run_id = f"run-race-{round_}"
        registries[0].create_run(
            NewRun(run_id=run_id, document=DOCUMENT, workflow="w", workflow_version="v", model="m")
        )
        results = _all_at_once([_claimer(r, run_id, f"host-{i}:{i + 1}") for i, r in enumerate(registries)])
        winners = [result for result in results if isinstance(result, RunRow)]
        assert len(winners) == 1, results
        losers = [result for result in results if not isinstance(result, RunRow)]
        assert all(isinstance(error, RunBusyError) for error in losers), losers
        assert all(f"being processed by {winners[0].lease_owner}" in str(error) for error in losers)
        assert registries[-1].get_run(run_id) == winners[0]


def test_claimers_wait_for_the_row_lock_then_see_the_winner(
    postgres_url: str, registries: list[PostgresRegistry]
) -> None:
    registries[0].create_run(
        NewRun(run_id="run-held", document=DOCUMENT, workflow="w", workflow_version="v", model="m")
    )
    with ThreadPoolExecutor(SESSIONS) as pool, psycopg.connect(postgres_url, autocommit=True) as holder:
        with holder.transaction():
            holder.execute("SELECT * FROM claimflow_runs WHERE run_id = 'run-held' FOR UPDATE")
            futures = [pool.submit(_claimer(r, "run-held", f"host-{i}:{i + 1}")) for i, r in enumerate(registries)]
            deadline = time.monotonic() + 10
            while _waiting_on_locks(postgres_url) < SESSIONS and time.monotonic() < deadline:
                time.sleep(0.02)
            assert _waiting_on_locks(postgres_url) == SESSIONS  # every claimer is blocked on the row
            assert not any(future.done() for future in futures)
        outcomes = [future.exception() or future.result() for future in futures]  # released: one at a time
    assert sum(isinstance(outcome, RunRow) for outcome in outcomes) == 1
    assert sum(isinstance(outcome, RunBusyError) for outcome in outcomes) == SESSIONS - 1


def test_registries_started_at_once_on_a_fresh_database_all_work(postgres_url: str) -> None:
    results = _all_at_once([lambda: PostgresRegistry(postgres_url) for _ in range(SESSIONS)])
    made = [result for result in results if isinstance(result, PostgresRegistry)]
    try:
        assert len(made) == SESSIONS, results
        made[0].create_run(
            NewRun(run_id="run-after-race", document=DOCUMENT, workflow="w", workflow_version="v", model="m")
        )
        assert {registry.get_run("run-aft").run_id for registry in made} == {"run-after-race"}
    finally:
        for registry in made:
            registry.close()
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        tables = conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1").fetchall()
        triggers = conn.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1").fetchall()
        usage = conn.execute("SELECT count(*), sum(calls), sum(cost) FROM claimflow_usage_totals").fetchone()
    assert usage == (16, 0, 0)  # the totals' rows were made once, whoever made them
    assert [name for (name,) in tables] == [
        "claimflow_api_tokens",
        "claimflow_blobs",
        "claimflow_events",
        "claimflow_key_claims",
        "claimflow_prompt_pins",
        "claimflow_record_keys",
        "claimflow_review_decisions",
        "claimflow_run_finals",
        "claimflow_runs",
        "claimflow_usage_totals",
    ]
    assert [name for (name,) in triggers] == [
        "claimflow_events_append_only",
        "claimflow_events_no_truncate",
        "claimflow_events_usage",
    ]


def test_events_cannot_be_truncated_either(postgres_url: str, registries: list[PostgresRegistry]) -> None:
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        with pytest.raises(psycopg.errors.RestrictViolation, match="append-only"):
            conn.execute("TRUNCATE claimflow_events")


def test_a_prefix_is_literal_not_a_like_pattern(registries: list[PostgresRegistry]) -> None:
    registry = registries[0]
    for run_id in ("abc_ef-1", "abcXef-2"):
        registry.create_run(NewRun(run_id=run_id, document=DOCUMENT, workflow="w", workflow_version="v", model="m"))
    assert registry.get_run("abc_ef").run_id == "abc_ef-1"
    with pytest.raises(RunNotFoundError, match="no run"):
        registry.get_run("%%%%%%")


def test_the_session_keeps_tcp_keepalives_on_both_ends(postgres_url: str) -> None:
    with connect(postgres_url) as conn:
        params = conn.info.get_parameters()
        assert (params["keepalives"], params["keepalives_idle"], params["application_name"]) == (
            "1",
            "30",
            "claimflow-registry",
        )
        row = conn.execute("SHOW tcp_keepalives_idle").fetchone()
        assert row == {"tcp_keepalives_idle": "30"}
    with connect(postgres_url + "?keepalives_idle=5&application_name=mine") as conn:
        params = conn.info.get_parameters()
        assert (params["keepalives_idle"], params["application_name"]) == ("5", "mine")
