"""The Postgres registry behaves as the SQLite one: each contract test runs on both, then Postgres-only races."""

from __future__ import annotations

import asyncio
import json
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg
import pytest

from claimflow.doctypes import INVOICE
from claimflow.runtime.registry import (
    LEASE_SECONDS,
    AsyncRegistry,
    NewRun,
    Registry,
    RunBusyError,
    RunNotFoundError,
    RunRegistry,
    RunRow,
)
from claimflow.runtime.registry.events import USAGE_TOTALS
from claimflow.runtime.registry.postgres import PostgresRegistry
from claimflow.state.documents import DocumentRef
from claimflow.state.events import Event, event
from claimflow.state.outcomes import FieldResult

ELSEWHERE = "worker-host-b:4242"
"""A lease owner on another host: always taken to be alive."""
DOCUMENT = DocumentRef(document_id="ab" * 32, filename="invoice.pdf", media_type="application/pdf", size=2048)


@dataclass
class Backend:
    """A registry, plus a separate raw connection to its database for what the registry must refuse."""

    registry: RunRegistry
    raw: Callable[[str], None]
    errors: tuple[type[Exception], ...]
    events_table: str


def _sqlite(path: Path) -> Backend:
    def raw(statement: str) -> None:
        with closing(sqlite3.connect(path)) as db:
            db.execute(statement)
            db.commit()

    return Backend(Registry(path), raw, (sqlite3.DatabaseError,), "events")


def _postgres(url: str) -> Backend:
    def raw(statement: str) -> None:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(statement)

    return Backend(PostgresRegistry(url), raw, (psycopg.DatabaseError,), "claimflow_events")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    made = (
        _sqlite(tmp_path / "registry.sqlite")
        if request.param == "sqlite"
        else _postgres(request.getfixturevalue("postgres_url"))
    )
    yield made
    made.registry.close()


@pytest.fixture
def registry(backend: Backend) -> RunRegistry:
    return backend.registry


def _run(run_id: str, *, model: str = "m", **more: Any) -> NewRun:
    """A new run of `DOCUMENT` in the invoice workflow; `more` sets its source, owner, endpoint or status."""
    return NewRun(run_id=run_id, document=DOCUMENT, workflow="invoice", workflow_version="v1", model=model, **more)


def _create(registry: RunRegistry, run_id: str) -> RunRow:
    return registry.create_run(_run(run_id))


def test_a_nul_in_an_event_or_an_error_is_stored_and_the_run_released(backend: Backend) -> None:
    # Postgres' text and jsonb hold no NUL; a model's answer or a rule's message may: stored as U+FFFD there.
    registry = backend.registry
    _create(registry, "run-nul")
    said = event("claim.rejected", "extract_invoice", value="Acme\x00Ltd", reasons={"bad\x00key": ["x\x00"]})
    assert registry.append_events("run-nul", [said]) == 1
    registry.release("run-nul", owner=ELSEWHERE, status="failed", error="RuntimeError: a\x00b")

    (stored,) = registry.events("run-nul")
    data = stored["data"] if isinstance(stored["data"], dict) else json.loads(stored["data"])
    nul = "\ufffd" if isinstance(registry, PostgresRegistry) else "\x00"
    assert data == {"value": f"Acme{nul}Ltd", "reasons": {f"bad{nul}key": [f"x{nul}"]}}
    row = registry.get_run("run-nul")
    assert (row.status, row.error, row.lease_owner) == ("failed", f"RuntimeError: a{nul}b", None)


def _dead_owner() -> str:
    """A lease owner on this host whose process has exited."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return f"{socket.gethostname()}:{child.pid}"


# --- runs -------------------------------------------------------------------------------------------------------


def test_a_created_run_is_queued_and_reads_back(registry: RunRegistry) -> None:
    before = time.time()
    row = _create(registry, "0123456789abcdef")
    assert (row.run_id, row.status, row.workflow, row.workflow_version, row.model) == (
        "0123456789abcdef", "queued", "invoice", "v1", "m",
    )  # fmt: skip
    assert (row.doc_type, row.interrupt_id, row.error, row.lease_owner, row.lease_until) == (None,) * 5
    assert isinstance(row.created_at, float) and before <= row.created_at == row.updated_at <= time.time()
    assert registry.get_run("0123456789abcdef") == row
    assert registry.document_of(row) == DOCUMENT


def test_a_run_has_its_model_endpoint_from_the_first_read(registry: RunRegistry) -> None:
    """The endpoint goes in with the row: no reader sees the run without it, and no `set_model` follows."""
    url = "http://gpu-1:8000/v1"
    created = registry.create_run(_run("created-aaaa", model="openai:m", model_base_url=url))
    registered, new = registry.register_run(
        _run("registered-bb", source="/in/invoice.pdf", model="openai:m", owner=ELSEWHERE, model_base_url=url)
    )
    assert new
    for row in (created, registered):
        assert (row.model, row.model_base_url) == ("openai:m", url)
        assert registry.get_run(row.run_id) == row
    found, new = registry.register_run(
        _run(
            "another-cccc",
            source="/in/invoice.pdf",
            model="openai:other",
            owner=ELSEWHERE,
            model_base_url="http://gpu-2:8000/v1",
        )
    )
    assert not new and found == registered  # a run found keeps the endpoint it was registered with
    assert _create(registry, "no-endpoint-dd").model_base_url is None  # e.g. `rules`: no endpoint to keep


def test_a_run_registered_running_is_leased_to_its_registrant(registry: RunRegistry) -> None:
    """`status="running"`: the registrant advances it at once, so the row says so and no claim follows."""
    queued, _ = registry.register_run(_run("queued-aaaa", source="/in/a.pdf", model="rules", owner=ELSEWHERE))
    running, new = registry.register_run(
        _run("running-bbbb", source="/in/b.pdf", model="rules", owner=ELSEWHERE, status="running")
    )
    assert new and queued.status == "queued"
    assert (running.status, running.lease_owner) == ("running", ELSEWHERE) and running.lease_until is not None
    assert registry.get_run("running-bbbb") == running
    with pytest.raises(RunBusyError, match="being processed"):  # leased: nobody else may take it
        registry.claim("running-bbbb", owner="other-host:1", allowed=("running",), status="running")


def test_a_run_without_a_source_cannot_be_registered_and_nothing_is_written(registry: RunRegistry) -> None:
    """Registering finds a document's run by its source: a run without one is refused, not inserted."""
    sourceless = _run("nosource-aaaa")
    with pytest.raises(ValueError, match="no source"):
        registry.register_run(sourceless)
    assert registry.list_runs() == []
    assert registry.create_run(sourceless).source is None  # a run of its own, found by nothing


def test_get_run_takes_a_unique_prefix_of_six_characters(registry: RunRegistry) -> None:
    first, _, other = (_create(registry, run_id) for run_id in ("abcdef01aa", "abcdef02bb", "f00dcafe99"))
    assert registry.get_run("abcdef01") == first
    assert registry.get_run("f00dca") == other
    assert registry.get_run("F00DCAFE") == other  # SQLite's LIKE ignores ASCII case; so does the Postgres one
    for unknown in ("abcdef0", "f00dc", "0000000000", "abcdef01aa-and-more"):
        with pytest.raises(RunNotFoundError, match="claimflow runs"):
            registry.get_run(unknown)


def test_a_prefix_matches_its_characters_literally_not_as_wildcards(registry: RunRegistry) -> None:
    only = _create(registry, "f00dcafe99")
    for pattern in ("%%%%%%", "______", "f00d%e", "f00dca_", "f%", "%afe99", "_00dcafe99"):
        with pytest.raises(RunNotFoundError, match="claimflow runs"):
            registry.get_run(pattern)
    literal = [_create(registry, run_id) for run_id in ("a%b_c\\d-1", "a%bXc\\d-2", "aXb_c\\d-3")]
    assert registry.get_run("a%b_c\\") == literal[0]
    assert registry.get_run("aXb_c\\d") == literal[2]
    with pytest.raises(RunNotFoundError):
        registry.get_run("a%b_cd")  # the backslash is a character of the id, not an escape
    assert registry.get_run("f00dcafe") == only


def test_list_runs_oldest_first_optionally_by_status(registry: RunRegistry) -> None:
    ids = ["run-1-aaaa", "run-2-bbbb", "run-3-cccc"]
    for run_id in ids:
        _create(registry, run_id)
    registry.claim("run-2-bbbb", owner=ELSEWHERE, allowed=["queued"], status="running")
    assert [row.run_id for row in registry.list_runs()] == ids
    assert [row.run_id for row in registry.list_runs("queued")] == ["run-1-aaaa", "run-3-cccc"]
    assert [row.run_id for row in registry.list_runs("running")] == ["run-2-bbbb"]
    assert registry.list_runs("failed") == []


def test_count_runs_counts_each_status_in_the_database(registry: RunRegistry) -> None:
    assert registry.count_runs() == {}
    for run_id in ("run-1-aaaa", "run-2-bbbb", "run-3-cccc"):
        _create(registry, run_id)
    registry.claim("run-2-bbbb", owner=ELSEWHERE, allowed=["queued"], status="running")
    assert registry.count_runs() == {"queued": 2, "running": 1}
    registry.release("run-2-bbbb", owner=ELSEWHERE, status="failed", error="unreadable")
    assert registry.count_runs() == {"queued": 2, "failed": 1}


def test_claim_takes_the_lease_and_moves_the_status(registry: RunRegistry) -> None:
    _create(registry, "run-claimed")
    before = time.time()
    row = registry.claim("run-claimed", owner=ELSEWHERE, allowed=("queued", "running"), status="running")
    assert (row.status, row.lease_owner) == ("running", ELSEWHERE)
    assert row.lease_until is not None and before + LEASE_SECONDS <= row.lease_until <= time.time() + LEASE_SECONDS
    assert registry.get_run("run-claimed") == row
    again = registry.claim("run-claimed", owner=ELSEWHERE, allowed=["running"], status="running")
    assert again.lease_owner == ELSEWHERE  # the holder may claim its own run again


def test_claim_refuses_an_unknown_run_or_a_status_not_allowed(registry: RunRegistry) -> None:
    _create(registry, "run-queued")
    with pytest.raises(RunNotFoundError, match="no run 'run-nothing'"):
        registry.claim("run-nothing", owner=ELSEWHERE, allowed=["queued"], status="running")
    with pytest.raises(RunBusyError, match="^run run-queued is queued, not needs_review or failed$"):
        registry.claim("run-queued", owner=ELSEWHERE, allowed=["needs_review", "failed"], status="resuming")
    assert registry.get_run("run-queued").status == "queued"


def test_claim_checks_the_pending_interrupt(registry: RunRegistry) -> None:
    _create(registry, "run-paused")
    registry.claim("run-paused", owner=ELSEWHERE, allowed=["queued"], status="running")
    registry.release("run-paused", owner=ELSEWHERE, status="needs_review", doc_type="invoice", interrupt_id="int-1")
    with pytest.raises(RunBusyError, match="^run run-paused is waiting on review int-1, not int-2$"):
        registry.claim(
            "run-paused", owner="me-host:1", allowed=["needs_review"], status="resuming", interrupt_id="int-2"
        )
    row = registry.claim(
        "run-paused", owner="me-host:1", allowed=["needs_review"], status="resuming", interrupt_id="int-1"
    )
    assert (row.status, row.lease_owner, row.interrupt_id) == ("resuming", "me-host:1", "int-1")


def test_a_live_lease_of_another_owner_blocks_the_claim(registry: RunRegistry) -> None:
    _create(registry, "run-busy")
    registry.claim("run-busy", owner=ELSEWHERE, allowed=["queued"], status="running")
    with pytest.raises(RunBusyError, match=f"^run run-busy is being processed by {ELSEWHERE} \\(status running\\)$"):
        registry.claim("run-busy", owner="me-host:1", allowed=["running"], status="running")
    assert registry.get_run("run-busy").lease_owner == ELSEWHERE


@pytest.mark.parametrize("how", ["expired", "process gone"])
def test_a_stale_lease_is_taken_over(registry: RunRegistry, how: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _create(registry, "run-stale")
    first = ELSEWHERE if how == "expired" else _dead_owner()
    registry.claim("run-stale", owner=first, allowed=["queued"], status="running")
    if how == "expired":
        later = time.time() + LEASE_SECONDS + 1
        monkeypatch.setattr(time, "time", lambda: later)
    row = registry.claim("run-stale", owner="me-host:1", allowed=["running"], status="running")
    assert row.lease_owner == "me-host:1"


def test_release_records_the_outcome_and_frees_the_lease(registry: RunRegistry) -> None:
    _create(registry, "run-released")
    registry.claim("run-released", owner=ELSEWHERE, allowed=["queued"], status="running")
    registry.release("run-released", owner="intruder:1", status="failed", error="not yours")
    assert registry.get_run("run-released").status == "running"  # only the holder (or nobody) releases
    registry.release("run-released", owner=ELSEWHERE, status="needs_review", doc_type="invoice", interrupt_id="int-1")
    row = registry.get_run("run-released")
    assert (row.status, row.doc_type, row.interrupt_id, row.lease_owner, row.lease_until) == (
        "needs_review", "invoice", "int-1", None, None,
    )  # fmt: skip
    registry.release("run-released", owner="anyone:2", status="failed", error="boom")
    row = registry.get_run("run-released")
    assert (row.status, row.doc_type, row.interrupt_id, row.error) == ("failed", "invoice", None, "boom")
    assert row.updated_at >= row.created_at


def test_stale_runs_are_unleased_or_left_by_a_gone_process(registry: RunRegistry) -> None:
    for run_id in ("run-a-queued", "run-b-live", "run-c-dead", "run-d-review", "run-e-done"):
        _create(registry, run_id)
    registry.claim("run-b-live", owner=ELSEWHERE, allowed=["queued"], status="running")
    registry.claim("run-c-dead", owner=_dead_owner(), allowed=["queued"], status="resuming")
    registry.release("run-d-review", owner="x:1", status="needs_review", interrupt_id="int-1")
    registry.release("run-e-done", owner="x:1", status="completed")
    assert [row.run_id for row in registry.stale_runs()] == ["run-a-queued", "run-c-dead"]


# --- transactions -------------------------------------------------------------------------------------------------


def test_calls_made_together_are_committed_together(registry: RunRegistry) -> None:
    started = event("run.started", "intake")
    with registry.together():
        _create(registry, "run-1")
        registry.append_events("run-1", [started])
        registry.claim("run-1", owner="me", allowed=("queued",), status="running")
        assert registry.get_run("run-1").status == "running"  # a read inside sees the writes before it
    assert registry.get_run("run-1").lease_owner == "me"
    assert [row["event_id"] for row in registry.events("run-1")] == [started.event_id]


def test_an_error_inside_together_takes_back_every_call_before_it(registry: RunRegistry) -> None:
    _create(registry, "run-1")
    with pytest.raises(RunNotFoundError), registry.together():
        registry.append_events("run-1", [event("run.started", "intake")])
        registry.release("run-1", owner="me", status="completed")
        _create(registry, "run-2")
        registry.claim("no-such-run", owner="me", allowed=("queued",), status="running")
    assert registry.events("run-1") == []
    assert registry.get_run("run-1").status == "queued"
    with pytest.raises(RunNotFoundError):
        registry.get_run("run-2")
    # The registry is usable afterwards: the transaction was closed, not left open.
    registry.append_events("run-1", [event("run.started", "intake")])
    assert len(registry.events("run-1")) == 1


def test_together_inside_together_is_one_transaction(registry: RunRegistry) -> None:
    with pytest.raises(RuntimeError, match="after the inner block"), registry.together():
        with registry.together():
            _create(registry, "run-1")
        raise RuntimeError("after the inner block")
    with pytest.raises(RunNotFoundError):
        registry.get_run("run-1")


def test_in_one_trip_is_one_transaction(registry: RunRegistry) -> None:
    async_registry = AsyncRegistry(registry, threads=1)

    def calls(sync: RunRegistry) -> None:
        _create(sync, "run-1")
        sync.append_events("run-1", [event("run.started", "intake")])
        raise RuntimeError("the trip fails after two calls")

    try:
        with pytest.raises(RuntimeError, match="after two calls"):
            asyncio.run(async_registry.in_one_trip(calls))
        with pytest.raises(RunNotFoundError):
            registry.get_run("run-1")
        assert registry.events("run-1") == []
    finally:
        async_registry.close()  # its thread, and the registry (which the fixture closing it again allows)


@pytest.mark.postgres
def test_another_thread_does_not_join_a_transaction_it_did_not_open(postgres_url: str) -> None:
    # Postgres only: its registry serves many threads, each on a session of its own (SQLite's serves one).
    registry = PostgresRegistry(postgres_url)
    try:
        other_thread = threading.Thread(target=lambda: _create(registry, "theirs"))
        with pytest.raises(RuntimeError, match="mine fails"), registry.together():
            _create(registry, "mine")
            other_thread.start()
            other_thread.join()
            raise RuntimeError("mine fails")
        assert registry.get_run("theirs").status == "queued"
        with pytest.raises(RunNotFoundError):
            registry.get_run("mine")
    finally:
        registry.close()


# --- events, decisions, record keys, prompt pins ----------------------------------------------------------------


def test_append_many_keeps_the_order_given_across_runs(registry: RunRegistry) -> None:
    """Sixty events of two runs interleaved, in one call: stored in that order, each run's in its own."""
    given = [("run-a" if n % 3 else "run-b", event("step.completed", f"step-{n:02d}", n=n)) for n in range(60)]
    batches = [(run_id, [one]) for run_id, one in given]
    assert registry.append_many(batches) == 60
    assert registry.append_many(batches) == 0  # all stored already
    for run_id in ("run-a", "run-b"):
        stored = registry.events(run_id)
        assert [row["step"] for row in stored] == [one.step for owner, one in given if owner == run_id]
        assert [row["seq"] for row in stored] == sorted(row["seq"] for row in stored)


def test_append_events_is_idempotent_and_keeps_the_order(registry: RunRegistry) -> None:
    at = datetime(2026, 3, 1, 12, 30, 5, 123456, tzinfo=UTC)
    first = Event(type="run.started", step="run", at=at, data={"doc": {"pages": [1, 2]}, "cost": 0.25})
    second = event("step.completed", "classify", day=date(2026, 3, 1), amount=Decimal("12.50"), note=None)
    third = Event(type="run.completed", step="run", at=datetime(2026, 3, 1, 14, 0, tzinfo=timezone(timedelta(hours=2))))
    assert registry.append_events("run-1", []) == 0
    assert registry.append_events("run-1", [first, second, first]) == 2
    assert registry.append_events("run-2", [event("run.started", "run")]) == 1
    assert registry.append_events("run-1", [second, third]) == 1
    stored = registry.events("run-1")
    assert [row["event_id"] for row in stored] == [first.event_id, second.event_id, third.event_id]
    assert [list(row) for row in stored] == [["seq", "event_id", "type", "step", "at", "data"]] * 3
    assert stored[0]["seq"] < stored[1]["seq"] < stored[2]["seq"]  # Postgres may leave gaps: skipped ids use a seq
    assert [row["at"] for row in stored] == [
        "2026-03-01T12:30:05.123456+00:00",
        second.at.isoformat(),
        third.at.isoformat(),
    ]
    assert [(row["type"], row["step"]) for row in stored] == [
        ("run.started", "run"),
        ("step.completed", "classify"),
        ("run.completed", "run"),
    ]
    assert [row["data"] for row in stored] == [
        {"doc": {"pages": [1, 2]}, "cost": 0.25},
        {"day": "2026-03-01", "amount": "12.50", "note": None},
        {},
    ]


def test_events_come_back_exactly_whatever_their_text_holds(registry: RunRegistry) -> None:
    """Quotes, backslashes, braces, commas, NULL, line breaks and other scripts: what an array literal escapes."""
    awkward = ['say "hi"', "C:\\path\\to", "{a,b}", "NULL", "", "line\nbreak\ttab", "Müller · 東京 · ☃", "'single'"]
    steps = "abcdefgh"
    given = [event("claim.accepted", s, value=text, parts=[text, text]) for s, text in zip(steps, awkward, strict=True)]
    assert registry.append_events("run-awkward", given) == len(given)
    stored = registry.events("run-awkward")
    assert [row["event_id"] for row in stored] == [one.event_id for one in given]
    assert [row["step"] for row in stored] == list(steps)
    assert [row["data"] for row in stored] == [{"value": text, "parts": [text, text]} for text in awkward]


def test_usage_totals_count_model_calls_and_sum_their_cost(registry: RunRegistry) -> None:
    assert registry.usage_totals() == (0, 0.0)
    _create(registry, "run-1-aaaa")
    calls = [event("model.called", "extract", cost=0.5), event("model.called", "classify", cost=0.25)]
    others = [event("model.called", "extract"), event("step.completed", "extract", cost=9.0)]  # no cost; not a call
    registry.append_events("run-1-aaaa", [*calls, *others])
    registry.append_events("run-1-aaaa", calls)  # stored once: appends are idempotent
    assert registry.usage_totals() == (3, 0.75)


def test_usage_totals_read_an_index_of_the_model_calls_not_every_event(tmp_path: Path) -> None:
    # Every /metrics scrape asks: a scan of every event of every run would hold the registry's thread for long.
    Registry(tmp_path / "registry.sqlite").close()
    with closing(sqlite3.connect(tmp_path / "registry.sqlite")) as db:
        plan = [str(row[-1]) for row in db.execute("EXPLAIN QUERY PLAN " + USAGE_TOTALS)]
    assert plan == ["SCAN events USING INDEX events_model_cost"]


def test_events_refuse_updates_and_deletes(backend: Backend) -> None:
    backend.registry.append_events("run-1", [event("run.started", "run", n=1)])
    events = backend.events_table
    for statement in (f"UPDATE {events} SET step = 'forged'", f"DELETE FROM {events}"):
        with pytest.raises(backend.errors, match="append-only"):
            backend.raw(statement)
    [row] = backend.registry.events("run-1")
    assert (row["step"], row["data"]) == ("run", {"n": 1})


def test_decisions_are_kept_in_the_order_they_came(registry: RunRegistry) -> None:
    before = time.time()
    registry.record_decision("run-1", "int-1", "alice", "approve", "refused", "stale interrupt")
    registry.record_decision("run-1", None, "bob", "reject", "applied")
    registry.record_decision("run-2", "int-9", "carol", "approve", "applied")
    rows = registry.decisions("run-1")
    kept = ("run_id", "interrupt_id", "reviewer", "decision", "outcome", "message")
    assert [tuple(row[key] for key in kept) for row in rows] == [
        ("run-1", "int-1", "alice", "approve", "refused", "stale interrupt"),
        ("run-1", None, "bob", "reject", "applied", ""),
    ]
    columns = ["seq", "run_id", "interrupt_id", "reviewer", "decision", "outcome", "message", "at", "decider"]
    assert list(rows[0]) == columns
    assert rows[0]["seq"] < rows[1]["seq"] and before <= rows[0]["at"] <= rows[1]["at"] <= time.time()
    assert registry.decisions("run-3") == []


def _invoice_key(vendor: str, number: str) -> str:
    """The duplicate key the engine registers for a completed invoice with these printed values."""
    values = {
        name: FieldResult(name=name, value=value, status="accepted", decided_by="test")
        for name, value in (("vendor_name", vendor), ("invoice_number", number))
    }
    key = INVOICE.key_of(values)
    assert key is not None
    return key


def test_the_record_index_matches_folded_vendor_and_compact_number(registry: RunRegistry) -> None:
    registry.register_record("run-b", "invoice", _invoice_key("ACME  GmbH ", "INV-2026/001"))
    registry.register_record("run-a", "invoice", _invoice_key("acme gmbh", "inv 2026 001"))
    registry.register_record("run-c", "invoice", _invoice_key("Other Ltd", "INV-2026/001"))
    same = _invoice_key("Acme GmbH", "inv-2026-001")
    assert registry.runs_with_key("invoice", same, exclude_run="run-new") == ["run-a", "run-b"]
    assert registry.runs_with_key("invoice", _invoice_key("ACME GMBH", "INV2026001"), exclude_run="run-a") == ["run-b"]
    # Keys are per document type: a receipt with the same key is not a duplicate of an invoice.
    assert registry.runs_with_key("receipt", same, exclude_run="run-new") == []
    # Registering a run again replaces its key.
    registry.register_record("run-b", "invoice", _invoice_key("Acme GmbH", "INV-2026/002"))
    assert registry.runs_with_key("invoice", same, exclude_run="run-new") == ["run-a"]
    assert registry.runs_with_key("invoice", _invoice_key("nobody", "1"), exclude_run="run-new") == []


def test_a_run_holding_a_key_first_is_ahead_of_later_ones_until_it_fails_or_is_rejected(
    registry: RunRegistry,
) -> None:
    key = _invoice_key("Acme GmbH", "INV-2026/001")
    for run_id in ("run-a", "run-b", "run-c", "run-d"):
        _create(registry, run_id)
    # The first to hold the key has no run ahead of it; each later one has every live run before it.
    assert registry.claim_key("invoice", key, run_id="run-a") == []
    assert registry.claim_key("invoice", key, run_id="run-b") == ["run-a"]
    assert registry.claim_key("invoice", key, run_id="run-c") == ["run-a", "run-b"]
    # Validated again with the same key, a run keeps its place: the later ones are not ahead of it.
    assert registry.claim_key("invoice", key, run_id="run-a") == []
    # A run that failed or was rejected lets go of its key.
    registry.release("run-a", owner=ELSEWHERE, status="rejected")
    registry.release("run-b", owner=ELSEWHERE, status="failed", error="boom")
    assert registry.claim_key("invoice", key, run_id="run-c") == []
    assert registry.claim_key("invoice", key, run_id="run-d") == ["run-c"]
    # What they held stays readable, for a replay of a run that saw them.
    assert registry.claims_ahead("invoice", key, run_id="run-d") == ["run-a", "run-b", "run-c"]


def test_a_completed_record_is_ahead_of_every_run_and_a_changed_key_takes_a_new_place(registry: RunRegistry) -> None:
    key, other = _invoice_key("Acme GmbH", "INV-2026/001"), _invoice_key("Acme GmbH", "INV-2026/002")
    for run_id in ("run-a", "run-b", "run-old"):
        _create(registry, run_id)
    registry.register_record("run-old", "invoice", key)  # completed before claims were held
    assert registry.claim_key("invoice", key, run_id="run-a") == ["run-old"]
    assert registry.claim_key("invoice", other, run_id="run-b") == []
    # run-a's key changes (an edit): it queues behind run-b, which held that key first.
    assert registry.claim_key("invoice", other, run_id="run-a") == ["run-b"]
    assert registry.claim_key("invoice", other, run_id="run-b") == []
    # Keys are per type: a receipt with the same key holds nothing back.
    assert registry.claim_key("receipt", other, run_id="run-old") == []


def test_a_completed_run_counts_by_its_records_key_and_a_key_of_none_lets_go(registry: RunRegistry) -> None:
    key = _invoice_key("Acme GmbH", "INV-2026/001")
    for run_id in ("run-a", "run-b", "run-c", "run-d"):
        _create(registry, run_id)
    assert registry.claim_key("invoice", key, run_id="run-a") == []
    # run-a completed as another type (reclassified in review): its record has no invoice key, so it holds none.
    registry.release("run-a", owner=ELSEWHERE, status="completed", doc_type="receipt")
    assert registry.claim_key("invoice", key, run_id="run-b") == []
    # A run whose key fields were emptied lets go of its key.
    assert registry.claim_key("invoice", None, run_id="run-b") == []
    assert registry.claim_key("invoice", key, run_id="run-c") == []
    # A run of the same document that replaces another takes its place: run-d is behind it, not ahead.
    registry.hand_over_key("run-c", to="run-d")
    registry.release("run-c", owner=ELSEWHERE, status="failed", error="superseded", superseded_by="run-d")
    assert registry.claim_key("invoice", key, run_id="run-b") == ["run-d"]
    assert registry.claim_key("invoice", key, run_id="run-d") == []


def test_a_key_is_not_made_from_values_that_were_not_accepted() -> None:
    values = {
        "vendor_name": FieldResult(name="vendor_name", value="Acme GmbH", status="accepted", decided_by="test"),
        "invoice_number": FieldResult(name="invoice_number", value=None, status="rejected", decided_by="test"),
    }
    assert INVOICE.key_of(values) is None


def test_prompt_pins_keep_the_first_hash_and_report_a_changed_one(registry: RunRegistry) -> None:
    assert registry.pin_prompts({"classify@2": "a" * 64, "extract_invoice@2": "b" * 64}) == {}
    assert registry.pin_prompts({"classify@2": "a" * 64}) == {}  # the same text again: nothing changed
    changed = registry.pin_prompts({"classify@2": "c" * 64, "extract_invoice@2": "b" * 64, "extract_po@1": "d" * 64})
    assert changed == {"classify@2": "a" * 64}
    # The first hash stays pinned: a changed prompt is refused every time, not only the first.
    assert registry.pin_prompts({"classify@2": "c" * 64}) == {"classify@2": "a" * 64}
    assert registry.pin_prompts({"extract_po@1": "d" * 64}) == {}
