"""A run's registration and its settlement: one round trip each to Postgres, with the guarantees of a transaction.

Round trips are counted off libpq's own trace of the registry's one session: each is a wait for the server's
ReadyForQuery. The settlement's contract (what it writes, what a lost lease keeps from it) runs on both backends.
"""

from __future__ import annotations

import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any, TypeVar

import psycopg
import pytest
from psycopg import pq, sql
from psycopg.conninfo import conninfo_to_dict

from claimflow.runtime.registry import NewRun, RunRegistry
from claimflow.runtime.registry.postgres import PostgresRegistry
from claimflow.runtime.registry.settlement import Settlement, record, register
from claimflow.state.documents import DocumentRef
from claimflow.state.events import Event, event

pytestmark = pytest.mark.postgres

ELSEWHERE = "worker-host-b:4242"
"""A lease owner on another host: always taken to be alive."""
OWNER = "engine-host-a:1717"
DOCUMENT = DocumentRef(document_id="ef" * 32, filename="receipt.txt", media_type="text/plain", size=120)
SOURCE = "/in/receipt.txt"
T = TypeVar("T")


@pytest.fixture
def one_session(postgres_url: str) -> Iterator[PostgresRegistry]:
    """A Postgres registry of one session, so that every statement it sends can be traced."""
    made = PostgresRegistry(postgres_url, size=1)
    yield made
    made.close()


def _round_trips(registry: PostgresRegistry, call: Callable[[], T]) -> tuple[T, int]:
    """`call()`'s result, and how many times the registry's session waited for the server in it."""
    with tempfile.TemporaryFile() as trace:
        with registry.session() as conn:
            conn.pgconn.trace(trace.fileno())
            conn.pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS | pq.Trace.REGRESS_MODE)
        try:
            result = call()
        finally:
            with registry.session() as conn:
                conn.pgconn.untrace()  # flushes the trace
        trace.seek(0)
        messages = [line.split("\t") for line in trace.read().decode().splitlines()]
    return result, sum(1 for message in messages if message[0] == "B" and message[2] == "ReadyForQuery")


def _run(run_id: str, *, owner: str = OWNER) -> NewRun:
    """A run registered running, leased to `owner`."""
    return NewRun(
        run_id=run_id,
        document=DOCUMENT,
        workflow="document",
        workflow_version="v1",
        model="rules",
        source=SOURCE,
        owner=owner,
        status="running",
    )


def _steps(count: int) -> list[Event]:
    return [event("step.completed", f"step_{n}", duration_ms=n) for n in range(count)]


def _completed(run_id: str, **changes: Any) -> Settlement:
    """A run of `OWNER` completed with twenty steps' events, a duplicate key and a final state (or as `changes` say)."""
    completed = Settlement(
        run_id=run_id,
        owner=OWNER,
        status="completed",
        events=_steps(20),
        record_key=("receipt", "acme|2024-05-01|42.00"),
        final_state='{"outcome": "completed"}',
        doc_type="receipt",
    )
    return replace(completed, **changes)


def _event_types(registry: RunRegistry, run_id: str) -> list[str]:
    return [row["type"] for row in registry.events(run_id)]


def test_a_new_run_and_its_first_event_are_registered_in_one_round_trip(one_session: PostgresRegistry) -> None:
    (row, new), trips = _round_trips(
        one_session, lambda: register(one_session, _run("run-new"), started=[event("run.started", "intake")])
    )
    assert trips == 1
    assert (row.run_id, row.status, row.lease_owner, new) == ("run-new", "running", OWNER, True)
    assert _event_types(one_session, "run-new") == ["run.started"]


def test_a_document_registered_again_finds_its_run_in_one_round_trip_and_writes_nothing(
    one_session: PostgresRegistry,
) -> None:
    register(one_session, _run("run-first"), started=[event("run.started", "intake")])
    (row, new), trips = _round_trips(
        one_session, lambda: register(one_session, _run("run-again"), started=[event("run.started", "intake")])
    )
    assert trips == 1
    assert (row.run_id, new) == ("run-first", False)
    assert [run.run_id for run in one_session.list_runs()] == ["run-first"]
    assert _event_types(one_session, "run-first") == ["run.started"]
    assert one_session.events("run-again") == []


def test_a_run_ending_writes_its_events_key_final_state_and_status_in_one_round_trip(
    one_session: PostgresRegistry,
) -> None:
    register(one_session, _run("run-done"), started=[event("run.started", "intake")])
    row, trips = _round_trips(one_session, lambda: record(one_session, _completed("run-done")))
    assert trips == 1
    assert (row.status, row.doc_type, row.lease_owner, row.lease_until) == ("completed", "receipt", None, None)
    assert _event_types(one_session, "run-done") == ["run.started"] + ["step.completed"] * 20
    assert one_session.runs_with_key("receipt", "acme|2024-05-01|42.00", exclude_run="another") == ["run-done"]
    assert one_session.final_state("run-done") == '{"outcome": "completed"}'


def test_a_release_of_its_own_settling_the_decisions_is_one_round_trip(one_session: PostgresRegistry) -> None:
    one_session.create_run(_run("run-answered"))
    one_session.record_decision("run-answered", "int-1", "ana", "{}", "pending")
    _, trips = _round_trips(
        one_session,
        lambda: one_session.release("run-answered", owner=OWNER, status="completed", decisions="applied"),
    )
    assert trips == 1
    assert [row["outcome"] for row in one_session.decisions("run-answered")] == ["applied"]


def test_a_settlement_where_another_owner_holds_the_lease_writes_all_but_the_status(
    registry: RunRegistry,
) -> None:
    registry.create_run(_run("run-taken", owner=ELSEWHERE))
    registry.record_decision("run-taken", "int-1", "ana", "{}", "pending")
    row = record(registry, _completed("run-taken", decisions="applied"))
    assert (row.status, row.lease_owner) == ("running", ELSEWHERE)
    assert [decision["outcome"] for decision in registry.decisions("run-taken")] == ["pending"]
    assert _event_types(registry, "run-taken") == ["step.completed"] * 20  # written as before: only the release waits
    assert registry.final_state("run-taken") == '{"outcome": "completed"}'


def test_a_pause_at_a_new_review_starts_its_clock_and_the_same_review_again_keeps_it(registry: RunRegistry) -> None:
    registry.create_run(_run("run-paused"))
    before = time.time()
    first = record(registry, _completed("run-paused", status="needs_review", interrupt_id="int-1", review_due=3600))
    assert first.review_opened_at is not None and first.review_opened_at >= before
    assert first.review_due_at == first.review_opened_at + 3600
    registry.update_review("run-paused", interrupt_id="int-1", changes={"assignee": "ana"}, events=[])
    registry.claim("run-paused", owner=OWNER, allowed=["needs_review"], status="resuming")
    again = record(registry, _completed("run-paused", status="needs_review", interrupt_id="int-1", review_due=60))
    assert (again.review_opened_at, again.review_due_at, again.assignee) == (
        first.review_opened_at, first.review_due_at, "ana",
    )  # fmt: skip
    registry.claim("run-paused", owner=OWNER, allowed=["needs_review"], status="resuming")
    other = record(registry, _completed("run-paused", status="needs_review", interrupt_id="int-2", review_due=None))
    assert other.review_opened_at is not None and other.review_opened_at >= first.review_opened_at
    assert (other.review_due_at, other.assignee, other.interrupt_id) == (None, None, "int-2")


@contextmanager
def _holding_the_row(url: str, run_id: str, *, take_lease: bool) -> Iterator[psycopg.Connection[tuple[object, ...]]]:
    """Another session's open transaction holding the run's row lock (having taken its lease, with `take_lease`)."""
    with psycopg.connect(url) as other:
        if take_lease:
            other.execute(
                "UPDATE claimflow_runs SET lease_owner = %s, lease_until = %s WHERE run_id = %s",
                (ELSEWHERE, time.time() + 600, run_id),
            )
        else:
            other.execute("SELECT FROM claimflow_runs WHERE run_id = %s FOR UPDATE", (run_id,))
        yield other


def _when_waiting_on_a_lock(url: str, then: Callable[[], None]) -> None:
    """Call `then` once a session of the database waits for a lock (within ten seconds)."""
    deadline = time.monotonic() + 10
    with psycopg.connect(url, autocommit=True) as watcher:
        while time.monotonic() < deadline:
            waiting = watcher.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            ).fetchone()
            if waiting and waiting[0]:
                then()
                return
            time.sleep(0.01)
    raise AssertionError("no session waited for the lock")


def _in_a_thread(call: Callable[[], T]) -> Callable[[], T]:
    """Start `call` on a thread; the returned function waits for its result (or raises its error)."""
    outcome: list[T | BaseException] = []

    def run() -> None:
        try:
            outcome.append(call())
        except BaseException as error:  # noqa: BLE001 - handed to the waiting test
            outcome.append(error)

    thread = threading.Thread(target=run)
    thread.start()

    def result() -> T:
        thread.join(30)
        found = outcome[0]
        if isinstance(found, BaseException):
            raise found
        return found

    return result


@pytest.mark.parametrize("decisions", [None, "applied"])
def test_a_settlement_losing_the_lease_while_it_waits_for_the_row_leaves_the_run_to_its_new_owner(
    one_session: PostgresRegistry, postgres_url: str, decisions: str | None
) -> None:
    """The compare-and-set is made on the row as the other session committed it, not as it was when sent."""
    one_session.create_run(_run("run-lost"))
    one_session.record_decision("run-lost", "int-1", "ana", "{}", "pending")
    with _holding_the_row(postgres_url, "run-lost", take_lease=True) as other:
        settled = _in_a_thread(lambda: record(one_session, _completed("run-lost", decisions=decisions)))
        _when_waiting_on_a_lock(postgres_url, other.commit)
        row = settled()
    assert (row.status, row.lease_owner) == ("running", ELSEWHERE)
    assert [decision["outcome"] for decision in one_session.decisions("run-lost")] == ["pending"]


def test_registering_while_another_session_registers_the_same_document_finds_its_run(
    one_session: PostgresRegistry, postgres_url: str
) -> None:
    """The second registrant waits for the first one's commit, then sees its run: one run for one document."""
    with psycopg.connect(postgres_url) as other:
        other.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", (f"{DOCUMENT.document_id}:{SOURCE}",))
        # The other registrant's run, inserted in its transaction, still open.
        other.execute(
            "INSERT INTO claimflow_runs (run_id, document_id, filename, media_type, size, workflow, workflow_version,"
            " model, status, source, created_at, updated_at) VALUES ('run-other', %s, 'receipt.txt', 'text/plain',"
            " 120, 'document', 'v1', 'rules', 'queued', %s, %s, %s)",
            (DOCUMENT.document_id, SOURCE, time.time(), time.time()),
        )
        registered = _in_a_thread(
            lambda: register(one_session, _run("run-mine"), started=[event("run.started", "intake")])
        )
        _when_waiting_on_a_lock(postgres_url, other.commit)
        row, new = registered()
    assert (row.run_id, new) == ("run-other", False)
    assert [run.run_id for run in one_session.list_runs()] == ["run-other"]
    assert one_session.events("run-mine") == []


@pytest.mark.parametrize("failure", ["refused by the server", "a value that cannot be sent"])
def test_a_settlement_whose_statement_fails_writes_nothing_and_the_session_goes_on(
    postgres_url: str, postgres_admin: psycopg.Connection[tuple[object, ...]], failure: str
) -> None:
    """The events, key and final state sent before the failing statement are taken back with it."""
    database = str(conninfo_to_dict(postgres_url)["dbname"])
    postgres_admin.execute(sql.SQL("ALTER DATABASE {} SET lock_timeout = '300ms'").format(sql.Identifier(database)))
    registry = PostgresRegistry(postgres_url, size=1)
    try:
        registry.create_run(_run("run-failing"))
        if failure == "refused by the server":
            with _holding_the_row(postgres_url, "run-failing", take_lease=False):
                with pytest.raises(psycopg.errors.LockNotAvailable):
                    record(registry, _completed("run-failing"))
        else:
            with pytest.raises(psycopg.DataError):
                record(registry, _completed("run-failing", record_key=("receipt", "a NUL \x00 in a key")))
        assert registry.events("run-failing") == []
        assert registry.final_state("run-failing") is None
        assert registry.runs_with_key("receipt", "acme|2024-05-01|42.00", exclude_run="another") == []
        assert registry.get_run("run-failing").lease_owner == OWNER
        row, trips = _round_trips(registry, lambda: record(registry, _completed("run-failing")))
        assert (row.status, trips) == ("completed", 1)
        assert _event_types(registry, "run-failing") == ["step.completed"] * 20
    finally:
        registry.close()
