"""The graph a LangGraph server (`langgraph dev`, LangGraph Platform) runs: claimflow's engine, one run per thread.

`intake` stores the document and registers a run whose id is the server's thread id; `advance` has the
engine run the documents workflow until it finishes or waits for review; `review` pauses the thread with
the run's `ReviewRequest` and hands the reviewer's decision to the engine, which resumes the run. The
workflow itself runs inside the engine, on claimflow's own checkpointer, registry and document store, exactly
as `claimflow run` runs it: `claimflow runs`, `show`, `explain` and `review` see every run made through the
server, and a review may be answered from either side. The thread's state is a view of the run (plain JSON).

Intake checks the input itself and never raises for it: whatever was sent, its keys are cleared, so the next
input is read alone (LangGraph writes a new input over the thread's last values, key by key). An input it
refuses is the state's `refused`: a thread without a run, or whose run is done, then fails the server run with
that reason (`refuse`); a thread paused for review is asked for the same review again. A new input always
moves a LangGraph thread past its interrupt; asking again is what keeps the review answerable through it.
"""

from __future__ import annotations

import asyncio
from typing import Any, Literal

from langgraph.config import get_config
from langgraph.graph import END, START, StateGraph
from langgraph.runtime import Runtime
from pydantic import BaseModel, ConfigDict

from claimflow.nodes.review import ask_reviewer
from claimflow.runtime.engine import Engine, PendingReview
from claimflow.runtime.engine.intake import holds_document
from claimflow.runtime.errors import SetupError
from claimflow.runtime.registry import RegistryError, RunNotFoundError, RunRow
from claimflow.runtime.server.context import ENGINES, ServerContext, context_of
from claimflow.runtime.server.inputs import DocumentInput, SentDocument, read_input
from claimflow.runtime.server.refused_decisions import keep_refused
from claimflow.runtime.sources import path_text, source_of
from claimflow.runtime.version import WorkflowVersionError
from claimflow.runtime.views import review_tables
from claimflow.state.errors import InvalidDecisionError

INTAKE, ADVANCE, REVIEW, REFUSE = "intake", "advance", "review", "refuse"
_CLEARED: dict[str, Any] = {"path": None, "content_base64": None, "filename": None}
"""Intake's update to the input's keys, whatever they held."""


class RunRefusedError(ValueError):
    """The server's request cannot be carried out (bad settings, a run another process holds, a stale version).

    A `ValueError`, so LangGraph's server shows its message to the client.
    """


class ServerState(BaseModel):
    """A thread's state: its input, and the run it stands for as `claimflow show --json` prints it."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    path: str | None = None
    """The input's keys, as sent: intake reads and clears them (the next input is read alone)."""
    content_base64: str | None = None
    """Sent bytes are stored by intake, then cleared here: the thread's later checkpoints hold no document."""
    filename: str | None = None
    run_id: str | None = None
    """claimflow's run: the thread id."""
    run: dict[str, Any] | None = None
    """`{"run_id", "document", "status", "doc_type", "fields", "review_reasons", "error"}`."""
    review: dict[str, Any] | None = None
    """The open review's request while the run waits for one, with the run's `tables` (the interrupt's value)."""
    review_id: str | None = None
    """claimflow's id of that review (`review show`'s `interrupt_id`): a decision answers this one only."""
    record: dict[str, Any] | None = None
    """The typed record with provenance, once the run completed."""
    refused: str | None = None
    """Why the last input or resume applied nothing: the input was not one document, or not the run's; the
    review was answered elsewhere, or moved on since the decision was sent. A decision its checks refuse is not
    here: it fails the resume with `InvalidDecisionError` (the server run's error), the thread still paused, and is
    kept in the run's decision history as refused."""


async def _engine(runtime: Runtime[Any]) -> Engine:
    try:
        return await ENGINES.get(context_of(runtime.context))
    except SetupError as error:
        raise RunRefusedError(f"claimflow cannot start as configured: {error}") from error


async def _standing(engine: Engine, run_id: str, **more: Any) -> dict[str, Any]:
    """The thread's update: where the run stands now."""
    view = await engine.view(run_id)
    pending = await engine.pending_review(run_id) if view.status == "needs_review" else None
    record = await engine.record(run_id) if view.status == "completed" else None
    return {
        "run": view.model_dump(mode="json"),
        "review": pending.request.model_dump(mode="json") | _tables_shown(engine, pending) if pending else None,
        "review_id": pending.interrupt_id if pending else None,
        "record": record.model_dump(mode="json") if record else None,
        "refused": None,
    } | more


def _tables_shown(engine: Engine, pending: PendingReview) -> dict[str, Any]:
    """The run's table rows as a reviewer is shown them beside the request (`review show --json`'s `tables`)."""
    return {"tables": review_tables(pending.state, engine.types, pending.request.doc_type)}


async def intake(state: SentDocument, *, runtime: Runtime[ServerContext]) -> dict[str, Any]:
    """Store the document and register its run under the thread's id (once: a thread holds one run).

    Reads the input raw and checks it here: an input refused, or naming another document than the thread's
    run holds, is the update's `refused`, with nothing stored or changed but the input's keys cleared.
    """
    async with ENGINES.in_use():
        return await _intake(state, runtime)


async def _intake(state: SentDocument, runtime: Runtime[ServerContext]) -> dict[str, Any]:
    thread_id = str(get_config()["configurable"]["thread_id"])
    try:
        sent = read_input(state)
        engine = await _engine(runtime)
        row = await _thread_run(engine, thread_id)
        if row is not None:
            await _refuse_another_document(row, sent)
            return _CLEARED | {"run_id": row.run_id} | await _standing(engine, row.run_id)
        path, name, data = sent.document()
    except ValueError as error:  # RunRefusedError is one
        return _CLEARED | {"refused": str(error)}
    row = await engine.admit(thread_id, path=path, name=name, data=data)
    return _CLEARED | {"run_id": row.run_id} | await _standing(engine, row.run_id)


async def _thread_run(engine: Engine, thread_id: str) -> RunRow | None:
    """The run the thread holds, if any."""
    try:
        row = await engine.registry.get_run(thread_id)
    except RunNotFoundError:
        return None
    return row if row.run_id == thread_id else None  # a prefix of another run's id is not this thread's run


async def _refuse_another_document(row: RunRow, sent: DocumentInput) -> None:
    """Refuse input naming another document than the thread's run holds: it would be ignored, the old run shown.

    The same document again (its path, or its bytes) is let through: the thread goes on with its run.
    """
    path, _, data = sent.document()
    if path is not None:
        # A relative path's absolute form asks for the working directory: a file system call, off the loop.
        absolute = path if path.is_absolute() else await asyncio.to_thread(path.absolute)
        # Its real path, as intake records it now; as given, as a run registered before that holds it.
        same = row.source in {await asyncio.to_thread(source_of, path), path_text(absolute)}
    else:
        same = await holds_document(row, data)
    if not same:
        raise RunRefusedError(
            f"this thread holds run {row.run_id} of {row.filename}, and a thread holds one run: "
            "send another document on a new thread"
        )


def after_intake(state: ServerState) -> Literal["advance", "review", "refuse"]:
    """Go on with the run; or, the input refused, ask the open review again, or fail with the reason."""
    if state.refused is None:
        return "advance"
    if state.run is not None and state.run.get("status") == "needs_review":
        return "review"
    return "refuse"


async def refuse(state: ServerState) -> dict[str, Any]:
    """Fail the server run with the reason intake refused its input (the thread's state stays as it was)."""
    raise RunRefusedError(state.refused or "the input was refused")


async def advance(state: ServerState, *, runtime: Runtime[ServerContext]) -> dict[str, Any]:
    """Run the workflow until the run finishes or waits for review.

    A server run cancelled meanwhile (a client's cancel, a timeout) gives the claimflow run up where its last
    step put it: running the thread again continues it, and so does `claimflow recover`.
    """
    async with ENGINES.in_use():
        return await _advance(state, runtime)


async def _advance(state: ServerState, runtime: Runtime[ServerContext]) -> dict[str, Any]:
    engine = await _engine(runtime)
    run_id = _run_id(state)
    try:
        async with engine.let_go_if_cancelled(run_id):
            await engine.start(run_id)
    except (RegistryError, WorkflowVersionError) as error:
        raise RunRefusedError(str(error)) from error
    return await _standing(engine, run_id)


async def review(state: ServerState, *, runtime: Runtime[ServerContext]) -> dict[str, Any]:
    """Pause for the reviewer's decision, then resume the run with it (a refused decision keeps the pause)."""
    async with ENGINES.in_use():
        return await _review(state, runtime)


async def _review(state: ServerState, runtime: Runtime[ServerContext]) -> dict[str, Any]:
    engine = await _engine(runtime)
    run_id = _run_id(state)
    pending = await engine.pending_review(run_id)
    if pending is None or pending.interrupt_id != state.review_id:
        # The review this thread showed was answered elsewhere (`claimflow review decide`): a value this
        # resume carries was meant for that review, and is not applied to another. Nothing is asked here.
        answered = f"review {state.review_id} of run {run_id} was answered elsewhere; this resume applied nothing"
        return await _standing(engine, run_id, refused=answered)
    stored = await engine.state(run_id)
    source = await engine.store.load_text(stored.text) if stored is not None and stored.text is not None else None
    # The rows of the run's tables are shown too (an approval approves them) and checked as the engine checks them:
    # an approval that leaves a required table without rows is refused here, with the review still open.
    shown = _tables_shown(engine, pending)
    row = await engine.registry.get_run(run_id)  # read before the pause, as all else: a refusal is kept on it
    try:
        decision = ask_reviewer(pending.request, engine.types, source, tables=pending.state.tables, also_shown=shown)
    except InvalidDecisionError as error:
        # Refused inside the interrupt, the decision never reaches the engine, which keeps those it refuses: kept
        # here as they are, for the review it answered. Only after a resume: the pause itself is no error.
        await keep_refused(engine, row, error.sent, [], "; ".join(error.problems))
        raise
    try:
        await engine.decide(run_id, decision, interrupt_id=pending.interrupt_id, seen_at=_submitted_at())
    except (InvalidDecisionError, RegistryError, WorkflowVersionError) as error:
        # The interrupt kept this decision: asking again is a new pause, which a new decision answers.
        return await _standing(engine, run_id, refused=str(error))
    return await _standing(engine, run_id)


def _submitted_at() -> float | None:
    """When the server was asked for the run that carries this decision (Unix time), if the server says.

    A resume without an interrupt id answers whatever the thread waits on when its run starts: two decisions sent
    back to back, the second run queued behind the first, had the second applied to the review the first one
    opened, which its reviewer never saw. Made before that review opened, it is refused as stale, as `claimflow
    review decide` refuses a review opened after its command started. LangGraph's API server records when it
    took the request (`__request_start_time_ms__`); run in-process there is no such time, and none is checked.
    """
    started = get_config().get("configurable", {}).get("__request_start_time_ms__")
    return started / 1000 if isinstance(started, int | float) and not isinstance(started, bool) else None


def after_step(state: ServerState) -> Literal["review", "__end__"]:
    """Ask for review while the run waits for one; otherwise the thread is done."""
    if state.run is not None and state.run.get("status") == "needs_review":
        return "review"
    return "__end__"


def _run_id(state: ServerState) -> str:
    if state.run_id is None:
        raise RuntimeError("the thread has no run: intake did not run")
    return state.run_id


def build_server_graph() -> StateGraph[ServerState, ServerContext, DocumentInput, ServerState]:
    """The uncompiled server graph; the server compiles it without a checkpointer (it brings its own)."""
    graph = StateGraph(ServerState, context_schema=ServerContext, input_schema=DocumentInput)
    graph.add_node(INTAKE, intake)
    graph.add_node(ADVANCE, advance)
    graph.add_node(REVIEW, review)
    graph.add_node(REFUSE, refuse)
    graph.add_edge(START, INTAKE)
    graph.add_conditional_edges(INTAKE, after_intake, [ADVANCE, REVIEW, REFUSE])
    graph.add_edge(REFUSE, END)  # never taken: refuse raises
    graph.add_conditional_edges(ADVANCE, after_step, [REVIEW, END])
    graph.add_conditional_edges(REVIEW, after_step, [REVIEW, END])
    return graph
