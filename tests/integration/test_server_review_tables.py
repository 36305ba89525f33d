"""The LangGraph server's review checks an approval against the run's tables, as the engine does.

Run in-process (the server's graph compiled on LangGraph's in-memory saver, on one engine): an approval of a run
whose required table has no rows is refused inside the interrupt, so the resume fails with the reason and the
review stays open; before, the server's review asked without the tables and the refusal came later, told only
in the state's `refused`, the server run a success.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.types import Command

from claimflow import Column, DocumentType, Field
from claimflow.doctypes import BUILTIN_TYPES
from claimflow.runtime.engine import open_engine
from claimflow.runtime.server import graph as server_graph
from claimflow.runtime.server.context import ServerContext
from claimflow.runtime.settings import Settings
from claimflow.state.errors import InvalidDecisionError
from tests.integration._docs import write
from tests.integration._one_engine import OneEngine

WORK_ORDER = DocumentType(
    name="work_order",
    description="A work order: its number and the tasks to carry out.",
    titles=("Work Order",),
    fields=[
        Field("order_number", "identifier", required=True, labels=["Order No."]),
        Field(
            "tasks",
            "table",
            required=True,
            columns=[Column("task", "text", labels=["Task"]), Column("hours", "amount", labels=["Hours"])],
        ),
    ],
)
"""A type with a required table; the document below prints no row of it."""


async def test_an_approval_leaving_a_required_table_without_rows_is_refused_with_the_review_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    document = write(tmp_path / "docs", "order.txt", "WORK ORDER\nOrder No.: WO-77\nNo tasks were written down.\n")
    settings = Settings(data_dir=tmp_path / "data")
    async with open_engine(settings, types=(*BUILTIN_TYPES, WORK_ORDER)) as engine:
        monkeypatch.setattr(server_graph, "ENGINES", OneEngine(engine))
        graph = server_graph.build_server_graph().compile(checkpointer=InMemorySaver())
        config = {"configurable": {"thread_id": "thread-77"}}

        paused = await graph.ainvoke({"path": str(document)}, config, context=ServerContext())
        assert paused["run"]["status"] == "needs_review", paused["run"]
        (interrupt,) = paused["__interrupt__"]
        assert [table["name"] for table in interrupt.value["tables"]] == ["tasks"]
        assert interrupt.value["tables"][0]["status"] == "missing"

        with pytest.raises(InvalidDecisionError, match="required table\\(s\\) without rows: tasks"):
            await graph.ainvoke(Command(resume={"reviewer": "kim", "action": "approve"}), config)

        state = await graph.aget_state(config)
        assert [item.id for item in state.interrupts] == [interrupt.id], "the same review waits"
        assert (await engine.registry.get_run("thread-77")).status == "needs_review"
        rejected = await graph.ainvoke(
            Command(resume={"reviewer": "kim", "action": "reject", "reason": "no tasks"}), config
        )
        assert rejected["run"]["status"] == "failed" and rejected["refused"] is None
