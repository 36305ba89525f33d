"""Two decisions on one run sent at once through one engine (a server's API, its review page, its sweep): exactly
one is applied, the other refused and recorded so, and the run resumes once."""

from __future__ import annotations

import asyncio
from pathlib import Path

from claimflow.doctypes import BUILTIN_TYPES
from claimflow.runtime.engine import open_engine
from claimflow.runtime.registry import RunBusyError, RunRow
from claimflow.runtime.settings import Settings
from claimflow.state.review import ReviewDecision
from tests.integration._docs import mismatch_invoice_text, write


def approval(reviewer: str) -> ReviewDecision:
    return ReviewDecision.model_validate({"reviewer": reviewer, "action": "approve"})


async def test_two_decisions_at_once_through_one_engine_apply_once(data_dir: Path, docs_dir: Path) -> None:
    document = write(docs_dir, "mismatch.txt", mismatch_invoice_text())
    async with open_engine(Settings(data_dir=data_dir), types=BUILTIN_TYPES) as engine:
        paused = await engine.process(document)
        pending = await engine.pending_review(paused.run_id)
        assert paused.status == "needs_review" and pending is not None
        outcomes = await asyncio.gather(
            *(engine.decide(paused.run_id, approval(name), interrupt_id=pending.interrupt_id) for name in "ab"),
            return_exceptions=True,
        )
        decisions = await engine.registry.decisions(paused.run_id)
        events = [row["type"] for row in await engine.registry.events(paused.run_id)]
        row = await engine.registry.get_run(paused.run_id)

    applied = [outcome for outcome in outcomes if isinstance(outcome, RunRow)]
    refused = [outcome for outcome in outcomes if isinstance(outcome, BaseException)]
    assert len(applied) == 1 and len(refused) == 1, outcomes
    assert isinstance(refused[0], RunBusyError)  # StaleReviewError is one: the run no longer waits on review
    assert sorted(d["outcome"] for d in decisions) == ["applied", "refused"]
    assert events.count("review.decided") == 1 and events.count("run.completed") == 1
    assert row.status == "completed" and row.lease_owner is None
