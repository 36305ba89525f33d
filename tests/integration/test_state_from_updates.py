"""A new run's final state is its input with each step's update laid over it, kept by the engine as the steps
stream: it must be the state LangGraph checkpointed, for a run that completes, one that pauses for review, one
a decision resumes (streamed as values, from its checkpoint) and the repository's example documents."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from langgraph.channels import LastValue

from claimflow.doctypes import BUILTIN_TYPES
from claimflow.runtime.engine import open_engine
from claimflow.runtime.settings import Settings
from claimflow.state.review import ReviewDecision
from claimflow.state.workflow import WorkflowState
from tests.integration._docs import invoice_text, mismatch_invoice_text, write

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "documents"


def _settled_against_checkpoints(engine: Any) -> list[tuple[WorkflowState, WorkflowState]]:
    """Record, for every run the engine settles, the state it settles on and the state its checkpoint holds."""
    pairs: list[tuple[WorkflowState, WorkflowState]] = []
    settle = engine._settle

    async def compared(run_id: str, final: dict[str, Any] | None, interrupt_id: str | None, **kwargs: Any) -> Any:
        checkpointed = (await engine.graph.aget_state(engine._config(run_id))).values
        assert final is not None, "a run that ran steps settles on the state it streamed"
        pairs.append((WorkflowState.model_validate(final), WorkflowState.model_validate(checkpointed)))
        return await settle(run_id, final, interrupt_id, **kwargs)

    engine._settle = compared
    return pairs


def _differing(pairs: list[tuple[WorkflowState, WorkflowState]]) -> list[tuple[str, list[str]]]:
    return [
        (kept.run_id, [name for name in WorkflowState.model_fields if getattr(kept, name) != getattr(stored, name)])
        for kept, stored in pairs
        if kept != stored
    ]


async def test_every_state_channel_keeps_the_last_value_written(data_dir: Path) -> None:
    async with open_engine(Settings(data_dir=data_dir), types=BUILTIN_TYPES) as engine:
        channels = engine.graph.channels
        assert set(WorkflowState.model_fields) <= set(channels)
        reducing = [name for name in WorkflowState.model_fields if type(channels[name]) is not LastValue]
        assert reducing == [], "laying updates over the input state assumes no channel combines its writes"


async def test_completed_paused_and_resumed_runs_settle_on_their_checkpointed_state(
    data_dir: Path, docs_dir: Path
) -> None:
    completing = write(docs_dir, "invoice.txt", invoice_text())
    pausing = write(docs_dir, "mismatch.txt", mismatch_invoice_text())
    async with open_engine(Settings(data_dir=data_dir), types=BUILTIN_TYPES) as engine:
        pairs = _settled_against_checkpoints(engine)
        done = await engine.process(completing)
        paused = await engine.process(pausing)
        assert (done.status, paused.status) == ("completed", "needs_review")
        await engine.decide(paused.run_id, ReviewDecision(reviewer="ann", action="approve"))
        assert len(pairs) == 3
        assert pairs[1][0].review_request is not None  # the paused run's streamed state holds its review
        assert _differing(pairs) == []


async def test_the_example_documents_settle_on_their_checkpointed_state(data_dir: Path, docs_dir: Path) -> None:
    for example in sorted(EXAMPLES.iterdir()):
        shutil.copy(example, docs_dir / example.name)
    async with open_engine(Settings(data_dir=data_dir), types=BUILTIN_TYPES) as engine:
        pairs = _settled_against_checkpoints(engine)
        documents = sorted(docs_dir.iterdir())
        statuses = {(await engine.process(path)).status for path in documents}
        assert {"completed", "needs_review"} <= statuses
        assert len(pairs) == len(documents)  # every one settles, the unreadable one too (failed in its parse step)
        assert _differing(pairs) == []
