"""After a review: edits are validated again, settled doubts are not raised twice, stale answers are refused."""

from __future__ import annotations

import os
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest

from claimflow.runtime.batch import process_files
from claimflow.runtime.engine import REGISTRY_FILE, open_engine
from claimflow.runtime.explain import routes_of
from claimflow.runtime.registry import RunBusyError
from claimflow.runtime.settings import Settings
from claimflow.state.errors import InvalidDecisionError
from claimflow.state.evidence import ClaimedEvidence
from claimflow.state.review import ReviewDecision
from tests.integration._docs import invoice_text, mismatch_invoice_text, write


def _edit(reviewer: str, **edits: str) -> ReviewDecision:
    return ReviewDecision(reviewer=reviewer, action="edit", edits={k: [v] for k, v in edits.items()})


async def test_an_edit_that_still_breaks_a_rule_comes_back_for_review(data_dir: Path, docs_dir: Path) -> None:
    path = write(docs_dir, "mismatch.txt", mismatch_invoice_text())
    async with open_engine(Settings(data_dir=data_dir)) as engine:
        [row] = await process_files(engine, [path])
        assert row.status == "needs_review"
        first = await engine.pending_review(row.run_id)
        assert first is not None

        row = await engine.decide(row.run_id, _edit("ivan", tax_amount="31.00"))
        second = await engine.pending_review(row.run_id)
        state = await engine.state(row.run_id)

        assert row.status == "needs_review"
        assert second is not None and second.interrupt_id != first.interrupt_id
        assert state is not None
        # Only the rule that still fails is a reason now: what the reviewer saw and kept is settled.
        assert [r.code for r in state.review_reasons] == ["validation_failed"]
        assert "net_plus_tax_equals_total" in state.review_reasons[0].message
        assert state.fields["tax_amount"].status == "edited"


async def test_an_edit_that_fixes_the_rule_completes_after_validation(data_dir: Path, docs_dir: Path) -> None:
    path = write(docs_dir, "mismatch.txt", mismatch_invoice_text())
    async with open_engine(Settings(data_dir=data_dir)) as engine:
        [row] = await process_files(engine, [path])
        state = await engine.state(row.run_id)
        assert state is not None
        net = state.fields["net_amount"].value
        tax = state.fields["tax_amount"].value
        assert isinstance(net, str) and isinstance(tax, str)
        total = f"{Decimal(net) + Decimal(tax):.2f}"
        row = await engine.decide(row.run_id, _edit("judy", total_amount=total))
        state = await engine.state(row.run_id)
        routes = routes_of(await engine.registry.events(row.run_id))

        assert row.status == "completed"
        assert state is not None
        routers = [(d.router, d.target, d.rule) for d in routes[-2:]]
        assert routers == [
            ("route_review", "validate_invoice", "reviewer_edited"),
            ("route_validation", "finalize", "all_checks_passed"),
        ]
        passed = {r.rule: r.passed for r in state.rule_results}
        assert passed["net_plus_tax_equals_total"] is True


async def test_cited_evidence_under_another_fields_label_is_refused_and_the_run_stays_paused(
    data_dir: Path, docs_dir: Path
) -> None:
    path = write(docs_dir, "mismatch.txt", mismatch_invoice_text())
    async with open_engine(Settings(data_dir=data_dir)) as engine:
        [row] = await process_files(engine, [path])
        before = await engine.pending_review(row.run_id)
        decision = ReviewDecision(
            reviewer="ivan",
            action="edit",
            edits={"due_date": ["2024-03-05"]},
            evidence={"due_date": ClaimedEvidence(quote="Invoice Date: 05.03.2024", page=1)},
        )
        with pytest.raises(InvalidDecisionError, match="stays paused") as refused:
            await engine.decide(row.run_id, decision)
        after = await engine.pending_review(row.run_id)
        state = await engine.state(row.run_id)
        decisions = await engine.registry.decisions(row.run_id)
        status = (await engine.registry.get_run(row.run_id)).status

    assert "due_date: cited evidence does not prove it" in str(refused.value)
    assert "'Invoice Date', the label of issue_date, not of due_date" in str(refused.value)
    assert before is not None and after is not None and after.interrupt_id == before.interrupt_id
    assert status == "needs_review"
    assert state is not None and state.fields["due_date"].value == "2024-04-04"
    assert [(d["reviewer"], d["outcome"]) for d in decisions] == [("ivan", "refused")]


async def test_an_edit_is_not_proved_by_the_line_of_another_field(data_dir: Path, docs_dir: Path) -> None:
    path = write(docs_dir, "mismatch.txt", mismatch_invoice_text())
    async with open_engine(Settings(data_dir=data_dir)) as engine:
        [row] = await process_files(engine, [path])
        # 05.03.2024 is printed only as the invoice date: no evidence for it as the due date.
        row = await engine.decide(row.run_id, _edit("ivan", due_date="2024-03-05", total_amount="180.00"))
        state = await engine.state(row.run_id)

    assert state is not None
    due, total = state.fields["due_date"], state.fields["total_amount"]
    assert (due.value, due.status, due.evidence) == ("2024-03-05", "edited", [])
    assert any("not found in the source" in reason for reason in due.reasons)
    # The corrected total is printed on an item line with no other field's label: that proves it.
    assert (total.value, total.status) == ("180.00", "edited")
    assert [e.quote for e in total.evidence] == ["180.00"]
    assert row.status == "completed"


async def test_an_invoice_completed_by_review_is_found_as_a_duplicate_later(data_dir: Path, docs_dir: Path) -> None:
    paused = write(docs_dir, "mismatch.txt", mismatch_invoice_text("NW-2024-0500"))
    async with open_engine(Settings(data_dir=data_dir)) as engine:
        [first] = await process_files(engine, [paused])
        assert first.status == "needs_review"
        first = await engine.decide(first.run_id, _edit("judy", total_amount="180.00"))
        assert first.status == "completed"

        [again] = await process_files(engine, [write(docs_dir, "again.txt", invoice_text("NW-2024-0500"))])
        state = await engine.state(again.run_id)

    assert again.status == "needs_review"
    assert state is not None and [r.code for r in state.review_reasons] == ["duplicate"]
    assert first.run_id in state.review_reasons[0].message


async def test_a_decision_naming_a_review_that_is_no_longer_open_is_refused(data_dir: Path, docs_dir: Path) -> None:
    path = write(docs_dir, "mismatch.txt", mismatch_invoice_text())
    async with open_engine(Settings(data_dir=data_dir)) as engine:
        [row] = await process_files(engine, [path])
        first = await engine.pending_review(row.run_id)
        assert first is not None
        await engine.decide(row.run_id, _edit("ivan", tax_amount="31.00"), interrupt_id=first.interrupt_id)
        with pytest.raises(RunBusyError, match="no longer waits on review"):
            await engine.decide(
                row.run_id, ReviewDecision(reviewer="kim", action="approve"), interrupt_id=first.interrupt_id
            )
        assert (await engine.registry.get_run(row.run_id)).status == "needs_review"


async def test_recover_returns_a_run_left_resuming_by_a_dead_process_to_review(data_dir: Path, docs_dir: Path) -> None:
    path = write(docs_dir, "mismatch.txt", mismatch_invoice_text())
    async with open_engine(Settings(data_dir=data_dir)) as engine:
        [row] = await process_files(engine, [path])
    dead = f"{os.uname().nodename}:999999999"
    with sqlite3.connect(data_dir / REGISTRY_FILE) as db:
        db.execute(
            "UPDATE runs SET status = 'resuming', lease_owner = ?, lease_until = 9e12 WHERE run_id = ?",
            (dead, row.run_id),
        )
    async with open_engine(Settings(data_dir=data_dir)) as engine:
        recovered = await engine.recover()
        assert [r.run_id for r in recovered] == [row.run_id]
        assert recovered[0].status == "needs_review"
        assert await engine.pending_review(row.run_id) is not None
        assert await engine.registry.stale_runs() == []
