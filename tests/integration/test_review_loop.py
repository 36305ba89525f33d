"""After a review: edits are validated again, settled doubts are not raised twice, stale answers are refused."""

from __future__ import annotations

import os
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest

from claimflow.runtime.batch import process_files
from claimflow.runtime.engine import REGISTRY_FILE, open_engine
from claimflow.runtime.registry import RunBusyError
from claimflow.runtime.settings import Settings
from claimflow.state.review import ReviewDecision
from tests.integration._docs import mismatch_invoice_text, write


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

        assert row.status == "completed"
        assert state is not None
        routers = [(d.router, d.target, d.rule) for d in state.routes[-2:]]
        assert routers == [
            ("route_review", "validate_invoice", "reviewer_edited"),
            ("route_validation", "finalize", "all_checks_passed"),
        ]
        passed = {r.rule: r.passed for r in state.rule_results}
        assert passed["net_plus_tax_equals_total"] is True


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
        assert engine.registry.get_run(row.run_id).status == "needs_review"


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
        assert engine.registry.stale_runs() == []
