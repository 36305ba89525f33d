"""The graph itself keeps a review answerable after a refused decision, with no engine checking first.

A LangGraph server resumes the compiled graph directly: whatever a client sends reaches the interrupt.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from langgraph.types import Command

from claimflow.runtime.engine import Engine, open_engine
from claimflow.state.errors import InvalidDecisionError
from tests.integration._docs import mismatch_invoice_text, write


async def _resume(engine: Engine, run_id: str, decision: dict[str, Any]) -> dict[str, Any]:
    config = {"configurable": {"thread_id": run_id}}
    result: dict[str, Any] = await engine.graph.ainvoke(
        Command(resume=decision), config, context=engine.context, durability="sync"
    )
    return result


async def test_refused_decisions_are_not_kept_and_a_good_one_then_applies(data_dir: Path, docs_dir: Path) -> None:
    path = write(docs_dir, "mismatch.txt", mismatch_invoice_text("NW-2024-0401"))
    async with open_engine(data_dir=data_dir, model="rules") as engine:
        run = await engine.process(path)
        assert run.status == "needs_review"
        pending = await engine.pending_review(run.run_id)
        assert pending is not None
        for bad, said in [
            ({"reviewer": "kim", "action": "edit", "edits": {"colour": ["red"]}}, "unknown field 'colour'"),
            ({"reviewer": "kim", "action": "edit", "edits": {"issue_date": ["someday"]}}, "value 'someday'"),
            ({"reviewer": "kim", "action": "approve", "edits": {"total_amount": ["1"]}}, "takes no edits"),
            ({"action": "approve"}, "reviewer: Field required"),
        ]:
            with pytest.raises(InvalidDecisionError, match=said) as refused:
                await _resume(engine, run.run_id, bad)
            assert str(refused.value).startswith("decision refused, the review stays open: ")
            still = await engine.pending_review(run.run_id)
            assert still is not None and still.interrupt_id == pending.interrupt_id
        done = await _resume(
            engine, run.run_id, {"reviewer": "kim", "action": "edit", "edits": {"total_amount": ["180.00"]}}
        )
        assert done["outcome"] == "completed"
        total = done["fields"]["total_amount"]
        assert (total.value, total.status) == ("180.00", "edited")
