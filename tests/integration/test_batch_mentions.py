"""A batch advances each run once, and a run it cannot advance here is reported, not the end of the batch."""

from __future__ import annotations

import logging
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from claimflow.runtime.batch import process_files
from claimflow.runtime.engine import open_engine
from claimflow.runtime.registry import RunRow
from claimflow.runtime.settings import Settings
from claimflow.runtime.sources import expand
from tests.factories import PURCHASE_ORDER
from tests.integration._docs import MEMO, invoice_text, write


async def test_a_file_named_twice_in_one_batch_is_advanced_once(data_dir: Path, docs_dir: Path) -> None:
    invoice = write(docs_dir, "invoice.txt", invoice_text("NW-2024-0901"))
    mentions: list[tuple[str, bool]] = []

    async def note(row: RunRow, new: bool) -> None:
        mentions.append((row.run_id, new))

    async with open_engine(Settings(data_dir=data_dir)) as engine:
        # The folder and the file in it: two mentions of one document, advanced side by side.
        files = [*expand([docs_dir]).files, invoice]
        rows = await process_files(engine, files, on_done=note, concurrency=2)
        events = Counter(item["type"] for item in await engine.registry.events(rows[0].run_id))
        alone = await process_files(engine, [write(docs_dir, "other.txt", invoice_text("NW-2024-0902"))])
        steps_alone = Counter(item["type"] for item in await engine.registry.events(alone[0].run_id))["step.started"]

    assert len({row.run_id for row in rows}) == 1
    assert [row.status for row in rows] == ["completed", "completed"]
    assert events["run.started"] == 1
    assert events["document.parsed"] == 1
    assert events["step.started"] == steps_alone  # each step once, as for a document named once
    # This batch registered the run: neither mention reads as one an earlier command registered.
    assert mentions == [(rows[0].run_id, True), (rows[0].run_id, True)]


async def test_a_queued_run_of_another_workflow_version_starts_under_this_one_in_the_batch(
    data_dir: Path, docs_dir: Path
) -> None:
    """A run registered by another installation that never ran a step holds nothing of that version."""
    older = write(docs_dir, "a_invoice.txt", invoice_text("NW-2024-0911"))
    async with open_engine(data_dir=data_dir, types=[PURCHASE_ORDER]) as other_installation:
        queued = await other_installation.submit(older)  # registered, never started (a batch killed there)
        other_version = other_installation.version
    write(docs_dir, "b_invoice.txt", invoice_text("NW-2024-0912"))

    async with open_engine(Settings(data_dir=data_dir)) as engine:
        rows = await process_files(engine, expand([docs_dir]).files, concurrency=2)

    by_name = {row.filename: row for row in rows}
    assert by_name["a_invoice.txt"].run_id == queued.run_id
    assert by_name["a_invoice.txt"].status == "completed"
    assert by_name["a_invoice.txt"].workflow_version == engine.version != other_version
    assert by_name["b_invoice.txt"].status == "completed"


async def test_a_started_run_of_another_workflow_version_is_left_and_the_batch_goes_on(
    data_dir: Path, docs_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    older = write(docs_dir, "a_invoice.txt", invoice_text("NW-2024-0911"))
    async with open_engine(data_dir=data_dir, types=[PURCHASE_ORDER]) as other_installation:
        started = await other_installation.process(older)
        other_version = other_installation.version
        # Cut off mid-way there: queued again, its checkpoints holding steps of that installation's version.
        other_installation.registry.sync._db.execute(
            "UPDATE runs SET status = 'queued' WHERE run_id = ?", (started.run_id,)
        )
    write(docs_dir, "b_invoice.txt", invoice_text("NW-2024-0912"))
    write(docs_dir, "c_memo.html", MEMO)

    with caplog.at_level(logging.WARNING, logger="claimflow"):
        async with open_engine(Settings(data_dir=data_dir)) as engine:
            rows = await process_files(engine, expand([docs_dir]).files, concurrency=2)

    by_name = {row.filename: row for row in rows}
    assert by_name["a_invoice.txt"].run_id == started.run_id
    # Left as it stands, for its own installation or a rerun.
    assert (by_name["a_invoice.txt"].status, by_name["a_invoice.txt"].workflow_version) == ("queued", other_version)
    assert by_name["b_invoice.txt"].status == "completed"
    assert by_name["c_memo.html"].status == "needs_review"
    warned = [record.getMessage() for record in caplog.records]
    assert any("workflow version" in text and "rerun" in text for text in warned), warned


_LEAVE_BEHIND = """
import asyncio, sys
from pathlib import Path
from claimflow.runtime.engine import open_engine
from tests.factories import PURCHASE_ORDER

async def main(data_dir: str, extra: str, files: list[str]) -> None:
    async with open_engine(data_dir=data_dir, types=[PURCHASE_ORDER] if extra == "extra" else None) as engine:
        for name in files:
            print((await engine.submit(Path(name))).run_id)

asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3:]))
"""


def _left_behind(data_dir: Path, extra: bool, *files: Path) -> list[str]:
    """Register runs in a process that then ends, as a `claimflow run` killed right after registering them."""
    done = subprocess.run(
        [sys.executable, "-c", _LEAVE_BEHIND, str(data_dir), "extra" if extra else "-", *map(str, files)],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.split()


async def test_recover_starts_a_run_of_another_version_that_ran_no_step_and_leaves_one_that_did(
    data_dir: Path, docs_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (older,) = _left_behind(data_dir, True, write(docs_dir, "a_invoice.txt", invoice_text("NW-2024-0921")))
    (current,) = _left_behind(data_dir, False, write(docs_dir, "b_invoice.txt", invoice_text("NW-2024-0922")))
    ran = write(docs_dir, "c_invoice.txt", invoice_text("NW-2024-0923"))
    async with open_engine(data_dir=data_dir, types=[PURCHASE_ORDER]) as other_installation:
        started = await other_installation.process(ran)
        other_version = other_installation.version
        # Its process died mid-way: running under a lapsed lease, its checkpoints of that installation's version.
        other_installation.registry.sync._db.execute(
            "UPDATE runs SET status = 'running', lease_owner = 'crashed-host:4242', lease_until = ? WHERE run_id = ?",
            (time.time() - 1, started.run_id),
        )

    with caplog.at_level(logging.WARNING, logger="claimflow"):
        async with open_engine(Settings(data_dir=data_dir)) as engine:
            recovered = await engine.recover(concurrency=2)
            left = await engine.registry.get_run(started.run_id)

    assert sorted((row.run_id, row.status) for row in recovered) == sorted(
        [(older, "completed"), (current, "completed")]
    )
    assert {row.workflow_version for row in recovered} == {engine.version}
    assert (left.status, left.workflow_version) == ("running", other_version)
    assert any("workflow version" in record.getMessage() for record in caplog.records)


async def test_a_run_that_fails_after_its_classification_keeps_its_type_in_the_registry(
    data_dir: Path, docs_dir: Path
) -> None:
    from claimflow import DocumentType, Field, RuleInput, RuleResult, rule

    @rule("ticket_is_sane", fields=["ticket_number"])
    def ticket_is_sane(doc: RuleInput) -> RuleResult | None:
        raise ValueError("rule exploded")

    ticket = DocumentType(
        name="parking_ticket",
        description="A parking ticket: its number.",
        titles=("Parking Ticket",),
        fields=[Field("ticket_number", "identifier", required=True, labels=("Ticket No.",))],
        rules=[ticket_is_sane],
    )
    document = write(docs_dir, "ticket.txt", "PARKING TICKET\nTicket No.: PT-4711\n")
    async with open_engine(data_dir=data_dir, types=[ticket]) as engine:
        (row,) = await process_files(engine, [document])
        listed = await engine.registry.get_run(row.run_id)

    assert row.status == "failed"
    assert "rule 'ticket_is_sane' of document type 'parking_ticket' raised ValueError" in (row.error or "")
    assert listed.doc_type == "parking_ticket"  # as `claimflow runs` shows it
