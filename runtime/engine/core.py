"""The engine: intake, and `advance`, the only code that invokes the graph.

A run's LangGraph thread id is its run id. Around every invoke the engine holds the run's lease
in the registry (one process at a time), checks the workflow version, hands each step's events to the
journal once the step's checkpoint is written, and records where the run stands. Nothing here blocks
the event loop: the registry and the document store do their I/O on their own threads.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any, cast

from langchain_core.runnables import RunnableConfig
from langgraph.graph.state import CompiledStateGraph
from langgraph.types import Command

from claimflow.graphs import ACTS_OUTSIDE
from claimflow.nodes.ports import DeliveryFailedError, WorkflowContext
from claimflow.runtime.code_digests import CODE_DIGEST_FILE, CodeDigests
from claimflow.runtime.discovery import ActiveTypes
from claimflow.runtime.engine.decisions import Decisions
from claimflow.runtime.engine.intake import Intake
from claimflow.runtime.engine.journal import EventJournal, unwritten_events
from claimflow.runtime.engine.models import RunModelError, RunModels
from claimflow.runtime.engine.operations import Operations
from claimflow.runtime.engine.queued import Queued
from claimflow.runtime.engine.reviews import ReviewDesk
from claimflow.runtime.engine.tokens import Tokens
from claimflow.runtime.engine.turns import RunTurns
from claimflow.runtime.engine.upkeep import Upkeep
from claimflow.runtime.engine.watching import Watching
from claimflow.runtime.errors import EngineClosedError, WorkflowVersionError
from claimflow.runtime.held_writes import writes_held_for_checkpoints
from claimflow.runtime.ingest import IngestLimits
from claimflow.runtime.registry import (
    FINISHED,
    IN_PROGRESS,
    AsyncRegistry,
    RunBusyError,
    RunRow,
    engine_owner,
)
from claimflow.runtime.registry.settlement import Settlement
from claimflow.runtime.retention.scrub import ERASED
from claimflow.runtime.settings import Settings
from claimflow.runtime.store import AsyncDocumentStore
from claimflow.runtime.unavailable import unavailable_reason
from claimflow.runtime.version import check_version, workflow_version
from claimflow.state.errors import InvalidDecisionError
from claimflow.state.events import Event, event
from claimflow.state.lengths import STORED
from claimflow.state.redaction import redact
from claimflow.state.review import ReviewRequest
from claimflow.state.user_code import failure_text
from claimflow.state.workflow import WorkflowState

_log = logging.getLogger("claimflow")

KEEP_FINISHED_STATES = 256
"""How many finished runs' states an engine keeps in memory (see `Engine.state`)."""

OUTCOME_STATUS = {"completed": "completed", "failed": "failed", "rejected": "rejected"}


@dataclass(frozen=True)
class PendingReview:
    """A paused run's open review: the interrupt to answer and what it asks."""

    interrupt_id: str
    request: ReviewRequest
    values: dict[str, Any] = field(repr=False, compare=False)
    """The state's values in the checkpoint the review was read from (see `state`)."""
    opened_at: float | None = None
    """When the run paused for it (its checkpoint's time, Unix seconds), if the checkpoint says."""

    @cached_property
    def state(self) -> WorkflowState:
        """The run's state as it paused for this review, from the same checkpoint.

        Built when first asked for: a list of reviews needs the requests, not the states.
        """
        return WorkflowState.model_validate(self.values)


class Engine(Intake, Operations, Decisions, ReviewDesk, Tokens, Watching, Upkeep, Queued, RunModels):
    """Processes documents through the documents workflow over one data directory."""

    def __init__(
        self,
        settings: Settings,
        registry: AsyncRegistry,
        store: AsyncDocumentStore,
        graph: CompiledStateGraph[Any, Any, Any, Any],
        context: WorkflowContext | None,
        limits: IngestLimits,
        active: ActiveTypes,
        *,
        override_model: bool = False,
        journal: EventJournal | None = None,
    ) -> None:
        self.settings = settings
        self.registry = registry
        self.store = store
        self.graph = graph
        self._context = context
        self.limits = limits
        self.active = active
        self.types = active.types
        self.owner = engine_owner()
        self.journal = journal if journal is not None else EventJournal(registry)
        self.deciding = RunTurns()
        self._advancing = {}
        self._sweeping = asyncio.Lock()
        self.override_model = override_model
        """Continue runs on this engine's model even when they started on another (each change is an event)."""
        self._built = {}
        # A finished run's state never changes again: the last ones this engine finished are kept, so showing
        # a run just processed does not read its last checkpoint back.
        self._finished: OrderedDict[str, WorkflowState] = OrderedDict()

    @property
    def context(self) -> WorkflowContext:
        """What the nodes touch outside state; a read-only engine has none and cannot advance runs."""
        if self._context is None:
            raise RuntimeError("this engine was opened read-only (open_engine(readonly=True)): it cannot advance runs")
        return self._context

    @property
    def readonly(self) -> bool:
        """Whether this engine only looks at runs (opened with `readonly=True`): it advances none."""
        return self._context is None

    @cached_property
    def version(self) -> str:
        """The workflow version this engine runs (hashing its code takes a moment: done when first needed).

        The code's digests are kept in the user's cache folder, so the next process skips most of that.
        """
        cache = self.settings.cache_dir
        digests = CodeDigests(cache / CODE_DIGEST_FILE if cache is not None else None)
        return workflow_version(self.graph, self.types, digests=digests)

    async def warm_up(self) -> None:
        """Pay now what a long-lived process's first run would pay on the event loop: the version's hashing.

        A server or a worker calls this before it takes work, so its first run does not hold the others back.
        """
        await asyncio.to_thread(lambda: self.version)

    def _config(self, run_id: str) -> RunnableConfig:
        return {"configurable": {"thread_id": run_id}}

    async def state(self, run_id: str, *, row: RunRow | None = None) -> WorkflowState | None:
        """The run's latest checkpointed state, else the final state kept when it finished; None before both.

        `row`: the run's registry row, just read by the caller: it says whether the run was erased, where a final
        state this engine remembers is otherwise checked against the registry (another process may have erased
        the run since: then only the registry's erased copy is left).
        """
        self._check_open()
        finished = self._finished.get(run_id)
        if finished is not None:
            erased = row.filename == ERASED if row is not None else await self.registry.erased_runs([run_id])
            if not erased:
                return finished
            self._finished.pop(run_id, None)
        snapshot = await self.graph.aget_state(self._config(run_id))
        if snapshot.values:
            return WorkflowState.model_validate(snapshot.values)
        # A finished run whose checkpoints were pruned is read from the state kept in the registry.
        kept = await self.registry.final_state(run_id)
        return WorkflowState.model_validate_json(kept, context=STORED) if kept is not None else None

    async def keep_final(self, run_id: str, state: WorkflowState | None = None) -> None:
        """Keep a finished run's final state in the registry, where it outlives the checkpoints (see `prune`)."""
        if state is None:
            snapshot = await self.graph.aget_state(self._config(run_id))
            if not snapshot.values:
                return
            state = WorkflowState.model_validate(snapshot.values)
        await self.registry.save_final(run_id, state.model_dump_json())
        self._keep_finished(run_id, state)

    def forget_finished(self, run_id: str) -> None:
        """Drop the final state remembered for a run (its registry copy is about to change: `erase`)."""
        self._finished.pop(run_id, None)

    def _check_open(self) -> None:
        """Refuse to read a closed engine's checkpoints: its saver's connections are gone (EngineClosedError)."""
        if self.registry.closed:
            raise EngineClosedError

    def _keep_finished(self, run_id: str, state: WorkflowState) -> None:
        """Remember a finished run's state (see `state`): it is final, kept in the registry already."""
        self._finished[run_id] = state
        while len(self._finished) > KEEP_FINISHED_STATES:
            self._finished.popitem(last=False)

    async def pending_review(self, run_id: str) -> PendingReview | None:
        """The open review of a paused run, with the state it paused in (one checkpoint read for both)."""
        self._check_open()
        snapshot = await self.graph.aget_state(self._config(run_id))
        opened_at = datetime.fromisoformat(snapshot.created_at).timestamp() if snapshot.created_at else None
        for interrupt in snapshot.interrupts:
            request = ReviewRequest.model_validate(interrupt.value)
            return PendingReview(interrupt.id, request, snapshot.values, opened_at)
        return None

    async def review_due(self, run_id: str) -> float | None:
        """How long the run's review may wait, by the policy it runs under (`review.due` for its type), if at all."""
        state = await self.state(run_id)
        return None if state is None else state.policy.review.due_seconds(state.doc_type)

    async def restore_events(self, run_id: str) -> int:
        """Append the events a dead process checkpointed but did not write; returns how many."""
        written = await self.registry.event_ids(run_id)
        missing = await unwritten_events(self.graph.aget_state_history(self._config(run_id)), written)
        return await self.registry.append_events(run_id, missing) if missing else 0

    # advancing ----------------------------------------------------------------------------
    async def start(self, run_id: str, *, registered: RunRow | None = None) -> RunRow:
        """Run a queued run (or continue an interrupted one) until it finishes or pauses.

        `registered` is the row of a run this engine has just registered (new, and leased to it, so nobody else
        can have moved it): it is taken as it is rather than read again. Registered running (`register(...,
        starting=True)`), it is this engine's already: no claim is made, and it starts from its document.
        """
        row = registered if registered is not None else await self.registry.get_run(run_id)
        if row.status not in IN_PROGRESS:
            return row
        adopted = await self._version_to_adopt(row)
        context = await self.context_for(row)  # the run's own model; one that cannot be built leaves it as it is
        fresh = registered is not None and registered.status == "running"
        if not fresh:
            await self.registry.claim(
                row.run_id, owner=self.owner, allowed=IN_PROGRESS, status="running", workflow_version=adopted
            )
        payload: WorkflowState | None = None
        if fresh:
            document = self.registry.document_of(row)
            payload = WorkflowState(run_id=row.run_id, document=document, policy=self.settings.policy)
        elif not (await self.graph.aget_state(self._config(row.run_id))).values:
            # Queued and never run, or cut off before its first checkpoint. A queued run with checkpoints is one a
            # worker handed back mid-way (`queue.jobs.hand_back_run`): it continues from its last. The policy is
            # the one its `run.started` recorded: a worker's own applies to no run another process submitted.
            document = self.registry.document_of(row)
            policy = await self.started_policy(row.run_id)
            payload = WorkflowState(run_id=row.run_id, document=document, policy=policy)
        else:
            await self.restore_events(row.run_id)
        # A run left resuming continues with the decision its checkpoint holds: that decision is applied.
        answering = row.interrupt_id if row.status == "resuming" else None
        return await self._advance(row.run_id, payload, answering=answering, context=context)

    async def _version_to_adopt(self, row: RunRow) -> str | None:
        """This engine's version, for a run of another that never ran a step; None for a run of this version.

        A run that has no checkpoint holds nothing of the version it was submitted under (a rolling upgrade: the
        submitter upgraded, the worker not yet, or the reverse), so it starts under this one and records it, as a
        run registered here would. A run that ran steps continues only under its own version: WorkflowVersionError.
        """
        if row.workflow_version == self.version:
            return None
        if row.status == "resuming" or (await self.graph.aget_state(self._config(row.run_id))).values:
            check_version(row.run_id, row.workflow_version, self.version, doc_type=row.doc_type, types=self.types)
        return self.version

    async def recover(self, *, concurrency: int = 1) -> list[RunRow]:
        """Pick up runs a dead process left behind, up to `concurrency` at once: back to review, or continued.

        A run a decider left resuming continues with that decision only if it was committed (the checkpoint
        is past the review it answered); otherwise the decision is abandoned and the review open again. A run
        whose model cannot be built here (a missing key), or that ran steps under another workflow version, is left
        as it was, with a warning saying why; one of another version that never ran a step starts under this one. A run
        another live process holds (a `run` still working through its batch, another `recover` that
        got there first) is left to it: each run is claimed atomically before it is touched.
        """
        if concurrency < 1:
            raise ValueError(f"concurrency must be at least 1, got {concurrency}")
        slots = asyncio.Semaphore(concurrency)

        async def one(row: RunRow) -> RunRow | None:
            async with slots:
                try:
                    return await self._recover(row)
                except RunBusyError:
                    return None
                except (RunModelError, WorkflowVersionError) as error:  # left as it was, told, the others recovered
                    _log.warning("%s", error)
                    return None

        done = await asyncio.gather(*(one(row) for row in await self.registry.stale_runs()))
        return [row for row in done if row is not None]

    async def _recover(self, row: RunRow) -> RunRow:
        if await self._version_to_adopt(row) is not None:
            return await self.start(row.run_id)  # of another version and never ran a step: starts under this one
        check_version(row.run_id, row.workflow_version, self.version, doc_type=row.doc_type, types=self.types)
        pending = await self.pending_review(row.run_id)
        if pending is None:
            return await self.start(row.run_id)
        if row.status == "resuming":
            return await self.reopen_abandoned(row)  # restores the events of a committed decision itself
        await self.restore_events(row.run_id)  # idempotent: no lease needed
        await self.registry.claim(row.run_id, owner=self.owner, allowed=(row.status,), status="needs_review")
        await self.registry.release(
            row.run_id,
            owner=self.owner,
            status="needs_review",
            interrupt_id=pending.interrupt_id,
            review_due=await self.review_due(row.run_id),
        )
        return await self.registry.get_run(row.run_id)

    async def _advance(
        self,
        run_id: str,
        payload: WorkflowState | Command[Any] | None,
        *,
        answering: str | None = None,
        context: WorkflowContext | None = None,
    ) -> RunRow:
        """Stream the graph from `payload` until the run finishes or pauses, and record where it stands.

        `answering` is the review a decision resumes the run from: the decision becomes applied in the same
        transaction that records the resumed run, refused if apply rejects it. If the document store or the
        database fails before the decision's resume was committed, the decision is not applied and the run
        waits on that review again. `context` carries the run's model (default: this engine's).
        """
        config = self._config(run_id)
        # A new run's state is its input with each step's update laid over it (every channel of WorkflowState
        # keeps the last value written), kept here rather than streamed whole by LangGraph after every step. A
        # continued run starts from its checkpoint, which only LangGraph reads: its state is streamed as values.
        laid: dict[str, Any] | None = dict(payload) if isinstance(payload, WorkflowState) else None
        final: dict[str, Any] | None = None
        interrupt_id: str | None = None
        # A step's update is streamed before its checkpoint is written; the next step starts only once it is
        # (durability="sync"). So a step's events are handed to the journal when the next update arrives, or
        # when the stream ends: the events table never holds an event no checkpoint holds.
        held: list[Any] = []
        # The document's wall time: past it, the run stops waiting for its step (a thread still busy with a
        # bounded piece of work finishes on its own) and fails, while the batch goes on.
        deadline = asyncio.timeout(self.settings.max_document_seconds)
        run_context = context or self.context
        # A step's writes go with its checkpoint; a node that acts outside the run (a delivery) has its own
        # committed at once, when the run has somewhere to deliver: without a target the step does nothing.
        acting = ACTS_OUTSIDE if run_context.deliverer is not None else ()
        try:
            async with deadline:
                with writes_held_for_checkpoints(except_nodes=acting):
                    async for mode, chunk in self.graph.astream(
                        payload,
                        config,
                        context=run_context,
                        stream_mode=["updates"] if laid is not None else ["updates", "values"],
                        durability="sync",
                    ):
                        if mode == "values":
                            final = cast(dict[str, Any], chunk)
                            continue
                        self.journal.add(run_id, held)
                        held = []
                        for name, update in cast(dict[str, Any], chunk).items():
                            if name == "__interrupt__":
                                interrupt_id = update[0].id if update else None
                            elif isinstance(update, dict):
                                held += update.get("events") or ()
                                if laid is not None:
                                    laid.update(update)
            self.journal.add(run_id, held)
            final = laid if laid is not None else final
        except InvalidDecisionError as error:
            await self._restore_after_failure(run_id)
            await self.registry.release(
                run_id,
                owner=self.owner,
                status="needs_review",
                interrupt_id=_pending_id(await self.graph.aget_state(config)),
                decisions="refused",
                decision_message=str(error),
                review_due=await self.review_due(run_id),
            )
            raise InvalidDecisionError(
                f"decision refused, run {run_id} stays paused: {error}", error.problems
            ) from error
        except DeliveryFailedError as error:
            await self._restore_after_failure(run_id)
            snapshot = await self.graph.aget_state(config)
            await self.registry.append_events(run_id, _failed_steps(snapshot, redact(str(error))))
            return await self.park_undelivered(run_id, error, answered=answering is not None)
        except Exception as error:  # noqa: BLE001 - any other failure fails this document, not the batch
            if unavailable_reason(error) is not None:
                # Storage or database gone: the run stays where it is, to be continued, and the batch stops; a
                # decision under way says what became of it (DecisionStoppedError).
                await self._hold_decision(run_id, answering, error)
                raise
            if deadline.expired():
                # The step in flight is the one its last checkpoint says runs next: where the time went.
                running = (await self.graph.aget_state(config)).next
                reason = (
                    f"the document took longer than {self.settings.max_document_seconds:g} s, the wall time one "
                    "document may take (CLAIMFLOW_MAX_DOCUMENT_SECONDS); the run was stopped"
                    + (f" in step {', '.join(running)}" if running else "")
                )
            else:
                # The run's error: no secret of a URL in it; where a type's own code raised, since no traceback shows.
                reason = redact(failure_text(error))
            return await self._fail(run_id, reason, answering)
        return await self._settle(run_id, final, interrupt_id, applied=answering is not None)

    async def _fail(self, run_id: str, reason: str, answering: str | None) -> RunRow:
        """Record a run a step failed: its events, `run.failed`, its final state; then release it, failed.

        A decision it was resuming from ends applied if the checkpoint is past the review it answered, else
        refused. Keeping the final state is the one part that may fail without stopping the rest (told in a
        warning: the checkpoints still hold it): the release is what lets the run go, to be looked at.
        """
        await self._restore_after_failure(run_id)
        snapshot = await self.graph.aget_state(self._config(run_id))
        failed = [*_failed_steps(snapshot, reason), event("run.failed", "engine", reason=reason)]
        await self.registry.append_events(run_id, failed)
        if snapshot.values:
            try:
                await self.keep_final(run_id, WorkflowState.model_validate(snapshot.values))
            except Exception as error:  # noqa: BLE001 - see above; a database gone stops here
                if unavailable_reason(error) is not None:
                    raise
                _log.warning("run %s: its final state could not be kept (%s)", run_id, redact(str(error)))
        settled = None
        if answering is not None:
            settled = "applied" if _pending_id(snapshot) != answering else "refused"
        # The type the run was classified as, as a run that ends well records it: `runs` shows it too.
        classification = (snapshot.values or {}).get("classification")
        await self.registry.release(
            run_id,
            owner=self.owner,
            status="failed",
            doc_type=getattr(classification, "doc_type", None),
            error=reason,
            decisions=settled,
            decision_message=reason,
        )
        return await self.registry.get_run(run_id)

    async def _restore_after_failure(self, run_id: str) -> None:
        """After a failed step: write what the journal holds of the run, and the events of its written checkpoints.

        Only a database or store that is gone stops here (the run stays where it is, to be continued). Any other
        fault in writing them is told in a warning and does not keep the run from being recorded where it
        stands: its checkpoints still hold the events, and continuing it writes them (`restore_events`).
        """
        try:
            taken = await self.journal.take(run_id)
            if taken:
                await self.registry.append_events(run_id, taken)
            await self.restore_events(run_id)
        except Exception as error:  # noqa: BLE001 - see above: the run's release must not depend on its events
            if unavailable_reason(error) is not None:
                raise
            _log.warning(
                "run %s: its events could not all be written (%s); its checkpoints keep them",
                run_id,
                redact(f"{type(error).__name__}: {error}"),
            )

    async def _settle(
        self, run_id: str, final: dict[str, Any] | None, interrupt_id: str | None, *, applied: bool = False
    ) -> RunRow:
        if final is None:
            # Nothing ran (a run continued at its end): read where it stands.
            snapshot = await self.graph.aget_state(self._config(run_id))
            final, interrupt_id = snapshot.values, _pending_id(snapshot)
        state = WorkflowState.model_validate(final)
        # The run's last events go with its new status, in the same trip: a pausing or ending run waits for
        # the registry once, not twice.
        events = await self.journal.take(run_id)
        status = "needs_review" if interrupt_id else OUTCOME_STATUS.get(state.outcome, "running")
        doc_type = self.types.find(state.doc_type)
        key = doc_type.key_of(state.fields) if doc_type is not None and status == "completed" else None
        kept = state.model_dump_json() if status in FINISHED else None
        settlement = Settlement(
            run_id=run_id,
            owner=self.owner,
            status=status,
            events=events,
            record_key=(doc_type.name, key) if doc_type is not None and key is not None else None,
            final_state=kept,
            doc_type=state.decided_type,  # the accepted type only: a rejected one is not the document's
            interrupt_id=interrupt_id,
            error=state.error if status in ("failed", "rejected") else None,
            decisions="applied" if applied else None,
            review_due=state.policy.review.due_seconds(state.doc_type) if interrupt_id else None,
        )
        row = await self.registry.settle(settlement)
        if kept is not None:
            self._keep_finished(run_id, state)
        return row


def _pending_id(snapshot: Any) -> str | None:
    interrupts = getattr(snapshot, "interrupts", ())
    return interrupts[0].id if interrupts else None


def _failed_steps(snapshot: Any, reason: str) -> list[Event]:
    """`step.failed` for each step a failure stopped: those the run's last checkpoint says run next.

    A step's own events (`step.started`, `step.completed`) go with the update it returns, which a step that
    raised never returns: without this the trail said the run failed but not in which step.
    """
    return [event("step.failed", name, reason=reason) for name in getattr(snapshot, "next", ())]
