"""A checkpoint carries what the next step needs, not the run's history: its size is flat in the steps."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from claimflow.doctypes import BUILTIN_TYPES
from claimflow.runtime.engine import open_engine
from claimflow.runtime.settings import Settings
from claimflow.state.review import ReviewDecision
from claimflow.state.workflow import WorkflowState

SAMPLE = Path(__file__).resolve().parents[2] / "examples" / "documents" / "invoice-total-mismatch.pdf"


async def test_checkpoints_stay_the_same_size_over_a_run_with_two_reviews(tmp_path: Path) -> None:
    async with open_engine(Settings.load(data_dir=tmp_path / "data"), types=BUILTIN_TYPES) as engine:
        row = await engine.start((await engine.submit(SAMPLE)).run_id)
        assert row.status == "needs_review"
        # An edit that still breaks the rule comes back for review; approving it then completes the run.
        edit = ReviewDecision(reviewer="kim", action="edit", edits={"tax_amount": ["234.56"]})
        assert (await engine.decide(row.run_id, edit)).status == "needs_review"
        done = await engine.decide(row.run_id, ReviewDecision(reviewer="kim", action="approve"))
        assert done.status == "completed"
        config: Any = {"configurable": {"thread_id": row.run_id}}
        history = [s async for s in engine.graph.aget_state_history(config)][::-1]
        stored = await engine.registry.events(row.run_id)
    states = [WorkflowState.model_validate(s.values) for s in history if s.values]
    sizes = [len(state.model_dump_json()) for state in states]
    assert len(states) > 15
    # The last step's events only (a step writes one per claim at most), never the run's whole history.
    most = max(len(state.events) for state in states)
    assert most <= 30
    assert len(stored) > 4 * most
    extracted = next(i for i, state in enumerate(states) if state.fields)
    assert max(sizes[extracted:]) <= 1.6 * sizes[extracted], sizes
