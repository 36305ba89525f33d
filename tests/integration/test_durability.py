"""What survives a process: the workflow version, typed checkpoints, append-only events, synced writes."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel
from typer.testing import CliRunner

from claimflow import Column, DocumentType, Field
from claimflow.doctypes import BUILTIN_TYPES
from claimflow.prompts import extract_prompt
from claimflow.runtime.batch import process_files
from claimflow.runtime.checkpoint import CHECKPOINT_TYPES, serializer
from claimflow.runtime.cli import app
from claimflow.runtime.engine import CHECKPOINT_FILE, REGISTRY_FILE, PromptChangedError, open_engine
from claimflow.runtime.registry import RunRow
from claimflow.runtime.settings import Settings
from claimflow.runtime.version import WorkflowVersionError, workflow_version
from claimflow.state.events import Event
from claimflow.state.outcomes import Classification, FieldResult, ReviewReason, RouteDecision
from claimflow.state.review import ReviewDecision, ReviewRequest
from claimflow.state.workflow import WorkflowState
from tests.integration._docs import flat, invoice_text, json_lines, mismatch_invoice_text, write

GONE_VERSION = "0123456789abcdef"


async def _paused_run(data_dir: Path, docs_dir: Path, name: str = "mismatch.txt") -> RunRow:
    path = write(docs_dir, name, mismatch_invoice_text())
    async with open_engine(Settings(data_dir=data_dir)) as engine:
        [row] = await process_files(engine, [path])
    assert row.status == "needs_review"
    return row


def _cli(data_dir: Path, *args: str) -> Any:
    return CliRunner().invoke(app, [*args, "--data-dir", str(data_dir)], env={"COLUMNS": "1000"})


# workflow version -----------------------------------------------------------------------------
async def test_every_run_records_the_workflow_version_it_started_with(data_dir: Path, docs_dir: Path) -> None:
    path = write(docs_dir, "invoice.txt", invoice_text())
    async with open_engine(Settings(data_dir=data_dir)) as engine:
        [row] = await process_files(engine, [path])
        [started] = [e for e in await engine.registry.events(row.run_id) if e["type"] == "run.started"]
        assert engine.version == workflow_version(engine.graph, engine.types)
    assert len(row.workflow_version) == 16 and row.workflow_version == engine.version
    assert started["data"]["workflow_version"] == row.workflow_version and started["data"]["workflow"] == "documents"
    with sqlite3.connect(data_dir / REGISTRY_FILE) as db:
        [(stored,)] = db.execute("SELECT workflow_version FROM runs WHERE run_id = ?", (row.run_id,))
    assert stored == engine.version


def test_resuming_a_run_whose_version_is_gone_is_refused_and_it_stays_paused(data_dir: Path, docs_dir: Path) -> None:
    # A sync test: the CLI calls asyncio.run, which cannot run inside a test's event loop.
    row = asyncio.run(_paused_run(data_dir, docs_dir))
    with sqlite3.connect(data_dir / REGISTRY_FILE) as db:
        db.execute("UPDATE runs SET workflow_version = ? WHERE run_id = ?", (GONE_VERSION, row.run_id))

    result = _cli(data_dir, "review", "decide", row.run_id, "--reviewer", "alice", "--approve")
    assert result.exit_code == 1, result.output
    message = flat(result.stderr)
    assert GONE_VERSION in message and row.workflow_version in message and row.run_id in message
    assert "Traceback" not in result.output

    [view] = json_lines(_cli(data_dir, "show", row.run_id, "--json").stdout)
    assert view["status"] == "needs_review"

    async def check() -> None:
        async with open_engine(Settings(data_dir=data_dir)) as engine:
            pending = await engine.pending_review(row.run_id)
            assert pending is not None and pending.interrupt_id == row.interrupt_id
            assert not [e for e in await engine.registry.events(row.run_id) if e["type"] == "review.decided"]
            stored = await engine.registry.get_run(row.run_id)
            assert stored.status == "needs_review" and stored.lease_owner is None
            with pytest.raises(WorkflowVersionError, match=GONE_VERSION):
                await engine.decide(row.run_id, ReviewDecision(reviewer="alice", action="approve"))
            assert (await engine.registry.get_run(row.run_id)).status == "needs_review"

    asyncio.run(check())


async def test_a_queued_run_of_a_gone_version_starts_under_this_one_and_records_it(
    data_dir: Path, docs_dir: Path
) -> None:
    """A run that never ran a step holds nothing of the version it was submitted under (a rolling upgrade)."""
    path = write(docs_dir, "invoice.txt", invoice_text())
    async with open_engine(Settings(data_dir=data_dir)) as engine:
        row = await engine.submit(path)
        engine.registry.sync._db.execute(  # simulate a run registered by another release
            "UPDATE runs SET workflow_version = ? WHERE run_id = ?", (GONE_VERSION, row.run_id)
        )
        done = await engine.start(row.run_id)
        assert done.status in ("completed", "needs_review") and done.workflow_version == engine.version


async def test_a_run_of_a_gone_version_whose_process_died_before_its_first_step_is_started_by_recover(
    data_dir: Path, docs_dir: Path
) -> None:
    path = write(docs_dir, "invoice.txt", invoice_text())
    async with open_engine(Settings(data_dir=data_dir)) as engine:
        row, _ = await engine.register(path, starting=True)
    with sqlite3.connect(data_dir / REGISTRY_FILE) as db:  # registered by another release, which died at once
        db.execute(
            "UPDATE runs SET workflow_version = ?, lease_owner = 'crashed-host:4242', lease_until = ? WHERE run_id = ?",
            (GONE_VERSION, time.time() - 1, row.run_id),
        )
    async with open_engine(Settings(data_dir=data_dir)) as engine:
        [recovered] = await engine.recover()
    assert (recovered.run_id, recovered.status) == (row.run_id, "completed")
    assert recovered.workflow_version == engine.version


async def test_a_started_run_of_a_gone_version_is_not_continued(data_dir: Path, docs_dir: Path) -> None:
    path = write(docs_dir, "invoice.txt", invoice_text())
    async with open_engine(Settings(data_dir=data_dir)) as engine:
        row = await engine.submit(path)
        await engine.start(row.run_id)
        # Cut off mid-way under another release: its checkpoint holds steps of that version.
        engine.registry.sync._db.execute(
            "UPDATE runs SET status = 'running', workflow_version = ? WHERE run_id = ?", (GONE_VERSION, row.run_id)
        )
        with pytest.raises(WorkflowVersionError, match=GONE_VERSION):
            await engine.start(row.run_id)
        stored = await engine.registry.get_run(row.run_id)
        assert (stored.status, stored.workflow_version) == ("running", GONE_VERSION)


async def test_a_resume_whose_process_died_can_be_decided_again_once_its_lease_expired(
    data_dir: Path, docs_dir: Path
) -> None:
    """A `review decide` process killed between claiming the run and releasing it.

    Its claim moved the run to "resuming" under a lease (LEASE_SECONDS: "how long a claimed run stays
    claimed if its process dies"); the checkpoint is still at the interrupt. Once the lease has
    expired the review must be answerable again, or the run is stuck for good.
    """
    row = await _paused_run(data_dir, docs_dir)
    with sqlite3.connect(data_dir / REGISTRY_FILE) as db:
        db.execute(
            "UPDATE runs SET status = 'resuming', lease_owner = 'crashed-host:4242', lease_until = ? WHERE run_id = ?",
            (time.time() - 1, row.run_id),
        )
    async with open_engine(Settings(data_dir=data_dir)) as engine:
        assert await engine.pending_review(row.run_id) is not None
        done = await engine.decide(row.run_id, ReviewDecision(reviewer="alice", action="approve"))
    assert done.status == "completed"


async def test_a_run_registered_running_whose_process_died_before_its_first_step_is_run_by_recover(
    data_dir: Path, docs_dir: Path
) -> None:
    """`process` registers its run running (no claim of its own): a death before any checkpoint strands nothing.

    Once the dead process's lease has expired, `recover` starts the run from its stored document, and its
    `run.started` event is there once.
    """
    path = write(docs_dir, "invoice.txt", invoice_text())
    async with open_engine(Settings(data_dir=data_dir)) as engine:
        row, new = await engine.register(path, starting=True)
        assert new and row.status == "running" and row.lease_owner == engine.owner
    with sqlite3.connect(data_dir / REGISTRY_FILE) as db:
        db.execute(
            "UPDATE runs SET lease_owner = 'crashed-host:4242', lease_until = ? WHERE run_id = ?",
            (time.time() - 1, row.run_id),
        )
    async with open_engine(Settings(data_dir=data_dir)) as engine:
        assert await engine.state(row.run_id) is None  # no step ran
        [recovered] = await engine.recover()
        assert recovered.run_id == row.run_id and recovered.status == "completed"
        events = await engine.registry.events(row.run_id)
    assert [e["type"] for e in events].count("run.started") == 1


def _ticket(
    version: str, *, guidance: str = "Quote the booking reference.", label: str = "Booking Ref"
) -> DocumentType:
    return DocumentType(
        name="ticket",
        description="A travel ticket with its booking reference.",
        fields=[Field("booking_reference", "identifier", required=True, labels=[label])],
        guidance=guidance,
        version=version,
    )


@pytest.mark.parametrize(
    "changed",
    [
        pytest.param(_ticket("1", guidance="Quote the booking reference and nothing else."), id="guidance"),
        pytest.param(_ticket("1", label="Booking Reference"), id="field labels"),
    ],
)
async def test_a_data_directory_refuses_a_prompt_changed_under_the_same_version(
    data_dir: Path, docs_dir: Path, changed: DocumentType
) -> None:
    path = write(docs_dir, "invoice.txt", invoice_text())
    async with open_engine(Settings(data_dir=data_dir), types=[*BUILTIN_TYPES, _ticket("1")]) as engine:
        [row] = await process_files(engine, [path])
    assert row.status == "completed", row.error

    opened = False
    with pytest.raises(PromptChangedError) as refused:
        async with open_engine(Settings(data_dir=data_dir), types=[*BUILTIN_TYPES, changed]):
            opened = True
    assert not opened
    message = str(refused.value)
    assert "extract_ticket@1 (first used as " in message and "version" in message
    assert "classify@" not in message and "extract_invoice@" not in message  # only the changed prompt is named

    # A new version of the changed type opens, and so does the original declaration: the pins were not replaced.
    bumped = _ticket("2", guidance="Quote the booking reference and nothing else.")
    for ticket in (bumped, _ticket("1")):
        async with open_engine(Settings(data_dir=data_dir), types=[*BUILTIN_TYPES, ticket]) as engine:
            assert (await engine.registry.get_run(row.run_id)).status == "completed"


def _ledger(*labels: str) -> DocumentType:
    """A type with a table, its amount column printed under `labels` (none: unlabelled), always version 1."""
    entries = Field("entries", "table", columns=[Column("amount", "amount", required=True, labels=labels)])
    return DocumentType(name="ledger", description="A ledger's booked entries.", fields=[entries], version="1")


async def test_a_release_that_lists_column_labels_starts_a_new_prompt_version_instead_of_refusing(
    data_dir: Path, docs_dir: Path
) -> None:
    """A data directory that ran a type with labelled columns under an earlier claimflow, whose extraction prompt
    listed no column labels, opens under this one: the prompt that now lists them is pinned under a new ref.
    """
    unlabelled = (await _pins(data_dir, _ledger()))["extract_ledger@1"]  # the text an earlier claimflow rendered

    pins = await _pins(data_dir, _ledger("Betrag", "Amount"))
    assert pins["extract_ledger@1"] == unlabelled  # kept: runs recorded under it name that text
    labelled = extract_prompt(_ledger("Betrag", "Amount"))
    assert pins["extract_ledger@1+t2"] == labelled.content_hash != unlabelled
    _, user = labelled.render(document="")
    assert "- column amount (amount, required). Printed as: Betrag, Amount." in user

    # Under the new ref a changed text is refused as under any other: the labels are part of what it stands for.
    with pytest.raises(PromptChangedError, match=r"extract_ledger@1\+t2 \(first used as "):
        await _pins(data_dir, _ledger("Betrag"))


async def _pins(data_dir: Path, doc_type: DocumentType) -> dict[str, str]:
    """Open an engine on the data directory with the built-in types and `doc_type`; the prompt pins it leaves."""
    async with open_engine(Settings(data_dir=data_dir), types=[*BUILTIN_TYPES, doc_type]) as engine:
        return await engine.registry.pinned_prompts()


async def test_a_paused_run_is_not_resumed_under_other_document_types(data_dir: Path, docs_dir: Path) -> None:
    row = await _paused_run(data_dir, docs_dir)
    async with open_engine(Settings(data_dir=data_dir), types=[*BUILTIN_TYPES, _ticket("1")]) as engine:
        assert engine.version != row.workflow_version
        with pytest.raises(WorkflowVersionError, match=row.workflow_version):
            await engine.decide(row.run_id, ReviewDecision(reviewer="alice", action="approve"))
        assert (await engine.registry.get_run(row.run_id)).status == "needs_review"
        assert [r.run_id for r in await engine.version_mismatches()] == [row.run_id]
    async with open_engine(Settings(data_dir=data_dir), types=BUILTIN_TYPES) as engine:
        assert engine.version == row.workflow_version
        done = await engine.decide(row.run_id, ReviewDecision(reviewer="alice", action="approve"))
    assert done.status == "completed"


# checkpoints ----------------------------------------------------------------------------------
async def test_checkpoint_round_trips_our_types_in_a_fresh_engine(
    data_dir: Path, docs_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    row = await _paused_run(data_dir, docs_dir)
    caplog.set_level(logging.WARNING)
    async with open_engine(Settings(data_dir=data_dir)) as engine:
        config: Any = {"configurable": {"thread_id": row.run_id}}
        snapshot = await engine.graph.aget_state(config)
        history = [s.values async for s in engine.graph.aget_state_history(config)]
        state = await engine.state(row.run_id)
        pending = await engine.pending_review(row.run_id)

    raw = snapshot.values
    # The raw channel values, before any model_validate could paper over dicts.
    assert raw["fields"] and all(isinstance(value, FieldResult) for value in raw["fields"].values())
    assert isinstance(raw["classification"], Classification)
    assert isinstance(raw["review_request"], ReviewRequest)
    assert all(isinstance(reason, ReviewReason) for reason in raw["review_reasons"])
    # State keeps the last router's decision only: look for the route decisions in the run's checkpoints.
    routes = [route for values in history for route in values.get("routes", [])]
    assert routes and all(isinstance(route, RouteDecision) for route in routes)
    assert raw["events"] and all(isinstance(item, Event) for item in raw["events"])
    assert isinstance(state, WorkflowState)
    assert all(isinstance(value, FieldResult) for value in state.fields.values())
    assert state.fields["total_amount"].value == "190.00"
    assert pending is not None and pending.request == raw["review_request"]
    blocked = [r.getMessage() for r in caplog.records if "msgpack" in r.getMessage() or "checkpoint" in r.getMessage()]
    assert blocked == []


class NotInTheAllowlist(BaseModel):
    """A class a checkpoint must never revive."""

    secret: str


def test_serializer_revives_listed_types_and_refuses_unlisted_ones() -> None:
    serde = serializer()
    listed = FieldResult(name="total_amount", value="1.00", status="accepted", decided_by="claim x")
    assert serde.loads_typed(serde.dumps_typed(listed)) == listed
    assert NotInTheAllowlist not in CHECKPOINT_TYPES

    loaded = serde.loads_typed(serde.dumps_typed(NotInTheAllowlist(secret="s3cr3t")))
    assert not isinstance(loaded, NotInTheAllowlist)


def test_every_state_field_type_is_in_the_allowlist() -> None:
    """A model type reachable from WorkflowState but missing from the allowlist would load as a dict."""
    seen: set[type] = set()

    def walk(model: type[BaseModel]) -> None:
        if model in seen:
            return
        seen.add(model)
        for info in model.model_fields.values():
            for candidate in _model_types(info.annotation):
                walk(candidate)

    walk(WorkflowState)
    assert seen - set(CHECKPOINT_TYPES) == set()


def _model_types(annotation: Any) -> list[type[BaseModel]]:
    from typing import get_args

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [found for arg in get_args(annotation) for found in _model_types(arg)]


# events ---------------------------------------------------------------------------------------
async def test_events_are_append_only(data_dir: Path, docs_dir: Path) -> None:
    row = await _paused_run(data_dir, docs_dir)
    with sqlite3.connect(data_dir / REGISTRY_FILE) as db:
        [(count,)] = db.execute("SELECT count(*) FROM events WHERE run_id = ?", (row.run_id,))
        assert count > 5
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            db.execute("UPDATE events SET type = 'run.completed' WHERE run_id = ?", (row.run_id,))
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            db.execute("DELETE FROM events WHERE run_id = ?", (row.run_id,))
        [(after,)] = db.execute("SELECT count(*) FROM events WHERE run_id = ?", (row.run_id,))
    assert after == count


async def test_appending_the_same_event_twice_stores_it_once(data_dir: Path, docs_dir: Path) -> None:
    row = await _paused_run(data_dir, docs_dir)
    async with open_engine(Settings(data_dir=data_dir)) as engine:
        state = await engine.state(row.run_id)
        # The checkpoint holds the last step's events, all of them written to the events table already.
        assert state is not None and state.events
        stored = await engine.registry.events(row.run_id)
        assert {e.event_id for e in state.events} <= {e["event_id"] for e in stored}
        before = len(stored)
        assert await engine.registry.append_events(row.run_id, state.events) == 0
        assert len(await engine.registry.events(row.run_id)) == before


# durability -----------------------------------------------------------------------------------
async def test_runs_stream_with_sync_durability_and_leave_checkpoints_for_the_thread(
    data_dir: Path, docs_dir: Path
) -> None:
    path = write(docs_dir, "mismatch.txt", mismatch_invoice_text())
    seen: list[dict[str, Any]] = []
    async with open_engine(Settings(data_dir=data_dir)) as engine:
        original = engine.graph.astream

        def spy(*args: Any, **kwargs: Any) -> Any:
            seen.append(kwargs)
            return original(*args, **kwargs)

        engine.graph.astream = spy  # type: ignore[method-assign]
        [row] = await process_files(engine, [path])
        steps = [e for e in await engine.registry.events(row.run_id) if e["type"] == "step.completed"]

    assert row.status == "needs_review"
    assert [kwargs.get("durability") for kwargs in seen] == ["sync"]
    with sqlite3.connect(data_dir / CHECKPOINT_FILE) as db:
        [(checkpoints,)] = db.execute("SELECT count(*) FROM checkpoints WHERE thread_id = ?", (row.run_id,))
        [(writes,)] = db.execute("SELECT count(*) FROM writes WHERE thread_id = ?", (row.run_id,))
    # One checkpoint per super-step (not just the last one, as durability="exit" would leave).
    assert checkpoints >= len(steps) > 5
    assert writes > 0
