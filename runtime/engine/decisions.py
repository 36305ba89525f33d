"""Answering reviews: a decision applies only to the review its reviewer saw, and is recorded as what became of it.

A decision names the review (the interrupt id) it answers. It claims the run in one atomic check-and-set of that
id in the registry and is kept as `pending`; it becomes `applied` in the transaction that records the resumed
run, `refused` when it is stale, comes second or fails its checks (the run stays paused), and `abandoned` when
its decider's process is gone before the resume was committed. Whoever looks at such a run next (a decision,
`review list`, `recover`) finds out through the decider's lease and puts things right: the review is open again,
or, when the decision had been committed, the run waits for `recover` to finish it with that decision.
"""

from __future__ import annotations

import time
from contextlib import AbstractAsyncContextManager
from typing import TYPE_CHECKING, Any

from langgraph.types import Command

from claimflow.runtime.engine.decided import decided_already, deciding_decision
from claimflow.runtime.engine.turns import RunTurns
from claimflow.runtime.registry import (
    AsyncRegistry,
    RunBusyError,
    RunRow,
    abandoned_message,
    busy_error,
    kept_message,
    lease_is_stale,
)
from claimflow.runtime.unavailable import UnavailableError, unavailable_reason
from claimflow.runtime.version import check_version
from claimflow.state.apply import decision_errors
from claimflow.state.errors import InvalidDecisionError
from claimflow.state.review import ReviewDecision
from claimflow.state.schema import DocumentTypes

if TYPE_CHECKING:
    from claimflow.nodes.ports import WorkflowContext
    from claimflow.runtime.engine.core import PendingReview
    from claimflow.runtime.settings import Settings
    from claimflow.runtime.store import AsyncDocumentStore
    from claimflow.state.workflow import WorkflowState


class DecisionStoppedError(UnavailableError):
    """The store or the database failed under a decision; the message says what became of the decision."""


class StaleReviewError(RunBusyError):
    """The run no longer waits on the review the decision answers; the run stays as it is."""


def _left(row: RunRow) -> bool:
    """A run a decider moved to resuming and whose process is gone (or whose lease ran out)."""
    return row.status == "resuming" and lease_is_stale(row.lease_owner, row.lease_until, time.time())


class AssignedElsewhereError(RunBusyError):
    """The review is assigned to another reviewer, or a group the decision's reviewer is not in; nothing changed."""


class Decisions:
    """Deciding reviews, and putting right what a decider that died left behind."""

    registry: AsyncRegistry
    store: AsyncDocumentStore
    types: DocumentTypes
    settings: Settings
    owner: str
    override_model: bool
    deciding: RunTurns

    if TYPE_CHECKING:
        # Provided by the engine this mixes into.
        @property
        def version(self) -> str:  # noqa: D102
            ...

        async def state(self, run_id: str, *, row: RunRow | None = None) -> WorkflowState | None:  # noqa: D102
            ...

        async def pending_review(self, run_id: str) -> PendingReview | None:  # noqa: D102
            ...

        async def restore_events(self, run_id: str) -> int:  # noqa: D102
            ...

        async def review_due(self, run_id: str) -> float | None:  # noqa: D102
            ...

        async def _advance(  # noqa: D102
            self,
            run_id: str,
            payload: WorkflowState | Command[Any] | None,
            *,
            answering: str | None = None,
            context: WorkflowContext | None = None,
        ) -> RunRow: ...

        async def context_for(self, row: RunRow) -> WorkflowContext:  # noqa: D102
            ...

        async def _restore_after_failure(self, run_id: str) -> None: ...

        def let_go_if_cancelled(self, run_id: str) -> AbstractAsyncContextManager[None]: ...  # noqa: D102

        @property
        def queued(self) -> bool:  # noqa: D102
            ...

        async def enqueue_decision(  # noqa: D102
            self,
            run_id: str,
            decision: ReviewDecision,
            *,
            interrupt_id: str | None = None,
            seen_at: float | None = None,
        ) -> RunRow: ...

    async def decide(
        self,
        run_id: str,
        decision: ReviewDecision,
        *,
        interrupt_id: str | None = None,
        seen_at: float | None = None,
        any_assignee: bool = False,
    ) -> RunRow:
        """Apply a review decision and resume the run; an invalid, stale or second decision leaves it as it is.

        `interrupt_id` is the review the reviewer looked at: if the run has moved on to another review since,
        the decision is refused rather than applied to a request its author never saw. Without it, the decision
        answers the review open now. `seen_at` (Unix time), when given, is when the reviewer looked: a review
        opened after it is refused too (the CLI passes its command's start). In production mode
        (CLAIMFLOW_EXECUTION=queue) the decision is recorded with its resume job and a worker applies it.

        A review assigned to a reviewer or a group is decided by them only (a member of the group, in the policy's
        `review.groups`), as only they may claim it: another reviewer's decision is refused (AssignedElsewhereError)
        and recorded so. `any_assignee` decides whoever has it: an administrator, the sweep.
        """
        row = await self.registry.get_run(run_id)
        if not any_assignee:
            await self._check_assignee(row, decision)
        if self.queued:
            if self.override_model:  # another model named here: recorded with the run, which a worker continues on
                await self.context_for(row)
            return await self.enqueue_decision(run_id, decision, interrupt_id=interrupt_id, seen_at=seen_at)
        # Decisions of this engine on one run take turns: a second one sees what the first made of the run.
        async with self.deciding.turn(row.run_id):
            return await self._decide(row, decision, interrupt_id=interrupt_id, seen_at=seen_at)

    async def _check_assignee(self, row: RunRow, decision: ReviewDecision) -> None:
        """Refuse, and record as refused, a decision by a reviewer the run's open review is not assigned to."""
        # A run that waits on no review is refused for that, by the decision itself.
        if row.status != "needs_review" or self.settings.policy.review.may_claim(decision.reviewer, row.assignee):
            return
        message = (
            f"run {row.run_id} is assigned to {row.assignee}: only they (or a member of that group) may decide it;"
            " `claimflow review assign` gives it to another reviewer"
        )
        await self.registry.record_decision(
            row.run_id, row.interrupt_id, decision.reviewer, decision.model_dump_json(), "refused", message
        )
        raise AssignedElsewhereError(f"decision refused, run stays paused: {message}")

    async def _decide(
        self, row: RunRow, decision: ReviewDecision, *, interrupt_id: str | None, seen_at: float | None
    ) -> RunRow:
        row = await self.reopen_abandoned(await self.registry.get_run(row.run_id))
        if row.status == "needs_review":  # any other run is refused below for what it is: `rerun` would refuse it too
            check_version(row.run_id, row.workflow_version, self.version, doc_type=row.doc_type, types=self.types)
        pending = await self.pending_review(row.run_id)
        answered = interrupt_id or (pending.interrupt_id if pending is not None else row.interrupt_id)
        decision_json = decision.model_dump_json()

        async def refuse(message: str) -> None:
            await self.registry.record_decision(
                row.run_id, answered, decision.reviewer, decision_json, "refused", message
            )

        # A refusal is kept with its reason; its decider is told, besides, who decided the review first
        # (`decided_before`), which the history holds already.
        if row.status != "needs_review" or pending is None:
            message = await self.not_decidable(row)
            await refuse(message)
            raise busy_error(row, message + await self.decided_before(row.run_id, answered))
        if answered != pending.interrupt_id:

            def stale(decided: str = "") -> str:
                return (
                    f"run {row.run_id} no longer waits on review {answered}, the one this decision answers{decided};"
                    f" it waits on {pending.interrupt_id} now: look at it again with `claimflow review show`"
                )

            await refuse(stale())
            told = stale(await self.decided_before(row.run_id, answered))
            raise StaleReviewError(f"decision refused, run stays paused: {told}")
        if seen_at is not None and pending.opened_at is not None and pending.opened_at > seen_at:
            message = (
                f"run {row.run_id} waits on review {pending.interrupt_id}, opened after this decision was made"
                " (another decision changed the run): look at it with `claimflow review show`"
            )
            await refuse(message)
            raise StaleReviewError(f"decision refused, run stays paused: {message}")
        state = pending.state  # the state the review was read with, from the same checkpoint
        # What the steps after review read (the text, the masking map) is read now, while the decision has claimed
        # nothing: a store that does not hold them stops it here (BlobMissingError), the run still waiting.
        source = await self.store.load_text(state.text) if state.text is not None else None
        if state.masked is not None:
            await self.store.load_blob(state.masked.mapping_id)
        errors = decision_errors(pending.request, decision, self.types, source, tables=state.tables)
        if errors:
            message = "; ".join(errors)
            await refuse(message)
            raise InvalidDecisionError(f"decision refused, run {row.run_id} stays paused: {message}", errors)
        # The run's own model (or the one named to override it): one that cannot be built here stops the decision
        # before it claims the run, which stays waiting on its review.
        context = await self.context_for(row)
        # The claim is the lock: of two concurrent decisions exactly one moves the run to resuming, and only
        # while the run still waits on the review this one answers.
        try:
            await self.registry.claim_review(
                row.run_id, owner=self.owner, interrupt_id=answered, reviewer=decision.reviewer, decision=decision_json
            )
        except RunBusyError as error:
            await refuse(str(error))
            # Another process's decision claimed the run first: who made it, when, and what, is said too.
            told = str(error) + await self.decided_before(row.run_id, answered)
            raise StaleReviewError(f"decision refused: {told}") from None
        resume: Command[Any] = Command(resume={answered: decision.model_dump(mode="json")})
        # Cancelled (a server's client gone, a timeout), the run is let go resuming: `recover` finishes the
        # decision if its resume was committed, else opens the review again (`reopen_abandoned`).
        async with self.let_go_if_cancelled(row.run_id):
            return await self._advance(row.run_id, resume, answering=answered, context=context)

    async def _hold_decision(self, run_id: str, answering: str | None, error: Exception) -> None:
        """After the store or database failed under a decision, raise DecisionStoppedError saying what became of it.

        A decision whose resume was not committed is not applied (the run waits on the same review, to be decided
        again); one that was stays applied and the run resuming, for `recover` to finish. If the database
        cannot be written either, the run's lease says it all: once this process is gone, the next look puts it
        right the same way (`reopen_abandoned`). Without a decision (`answering` None) this does nothing.
        """
        reason = unavailable_reason(error)
        if answering is None or reason is None:
            return
        raise DecisionStoppedError(await self._settle_held(run_id, answering, reason)) from error

    async def _settle_held(self, run_id: str, answering: str, reason: str) -> str:
        """Record what became of a decision the store or database failed under, where possible; say it."""
        try:
            pending = await self.pending_review(run_id)
            committed = pending is None or pending.interrupt_id != answering
            await self._restore_after_failure(run_id)
            if committed:
                await self.registry.release(
                    run_id, owner=self.owner, status="resuming", interrupt_id=answering, decisions="applied"
                )
                return (
                    f"{reason}; the decision on run {run_id} was applied and the run stopped after it: "
                    f"{self._who_finishes()} finishes it"
                )
            await self.registry.release(
                run_id,
                owner=self.owner,
                status="needs_review",
                interrupt_id=answering,
                decisions="abandoned",
                decision_message=f"not applied, the run waits on the same review: {reason}",
                review_due=await self.review_due(run_id),
            )
            return f"{reason}; the decision on run {run_id} was not applied: the run waits on the same review"
        except Exception as again:  # noqa: BLE001 - only the same kind of condition; anything else is a bug
            if unavailable_reason(again) is None:
                raise
        return (
            f"{reason}; what became of the decision on run {run_id} could not be recorded: once the database is "
            f"back, `claimflow review list` shows whether the review is open again, and {self._who_finishes()} "
            "finishes the run if the decision had been applied"
        )

    async def reopen_abandoned(self, row: RunRow) -> RunRow:
        """If a dead decider left `row` resuming, put it right; returns the row as it stands now.

        Its decision was not committed (the run still waits on the review it answered): the decision is
        abandoned and the review open again. It was, and the run paused at a new review: the decision is
        applied and the run waits on that review. It was, and the run has steps left: it stays resuming for
        `recover`, which finishes it with that decision.
        """
        if not _left(row):
            return row
        pending = await self.pending_review(row.run_id)
        if pending is None:
            return row
        try:
            await self.registry.claim(row.run_id, owner=self.owner, allowed=("resuming",), status="resuming")
        except RunBusyError:
            return await self.registry.get_run(row.run_id)  # someone else is putting it right
        if pending.interrupt_id == row.interrupt_id:
            outcome, why = "abandoned", abandoned_message(row.lease_owner)
        else:
            await self.restore_events(row.run_id)  # the steps the dead decider checkpointed but did not journal
            outcome, why = "applied", None
        await self.registry.release(
            row.run_id,
            owner=self.owner,
            status="needs_review",
            interrupt_id=pending.interrupt_id,
            decisions=outcome,
            decision_message=why,
            review_due=await self.review_due(row.run_id),
        )
        return await self.registry.get_run(row.run_id)

    def _who_finishes(self) -> str:
        """Who finishes a run whose decision was applied when the process applying it stopped.

        `recover`; in production mode the workers, where `recover` refuses (beside them a run would advance twice).
        """
        if self.settings.execution == "queue":
            return "a worker (the reaper gives a stopped worker's jobs to another; `claimflow status` shows them)"
        return "`claimflow recover`"

    async def not_decidable(self, row: RunRow) -> str:
        """Why the run in `row` takes no decision now, and what to do about it."""
        if row.status == "resuming":
            last = await self.last_decision(row.run_id)
            who = f"the decision of {last['reviewer']}" if last else "a decision"
            if not _left(row):
                return f"run {row.run_id} is resuming: {who} is being applied by {row.lease_owner}"
            return (
                f"run {row.run_id} is resuming: {who} was committed, but the process applying it "
                f"({row.lease_owner}) stopped before the run finished; {self._who_finishes()} finishes it with that "
                "decision"
            )
        if row.superseded:  # its review, if it had one, is the new run's to answer
            return f"run {row.run_id} is not waiting for review: it was {row.error}"
        if row.status != "needs_review":
            return f"run {row.run_id} is {row.status}, not waiting for review"
        return f"run {row.run_id} has no open review; `claimflow show {row.run_id}` shows where it stands"

    async def decided_before(self, run_id: str, interrupt_id: str | None) -> str:
        """What a refusal adds when a decision answered review `interrupt_id` first, else nothing.

        `; review R was already decided by NAME at TIME: WHAT` (`decided`), from the stored decision history.
        """
        found = deciding_decision(await self.registry.decisions(run_id), interrupt_id)
        return f"; {decided_already(found)}" if found is not None else ""

    async def last_decision(self, run_id: str) -> dict[str, Any] | None:
        """The latest decision submitted for the run that claimed it (refused ones never did), if any."""
        return _last_claimed(await self.registry.decisions(run_id))

    async def review_note(self, row: RunRow) -> str | None:
        """What a reviewer should know about a run in the review queue: a decision refused, given up, or unfinished."""
        if row.status == "resuming":
            return await self.not_decidable(row)
        given = await self.registry.decisions(row.run_id)  # read once: the last claimed one and the latest
        last = _last_claimed(given)
        if last is not None and last["outcome"] == "abandoned":
            # Cut as the registry keeps a message now: one stored before it did may be of any length.
            return f"the decision of {last['reviewer']} was abandoned: {kept_message(last['message'])}; decide again"
        latest = given[-1] if given else None
        if latest is not None and latest["outcome"] == "refused" and latest["interrupt_id"] == row.interrupt_id:
            # In production mode a worker checks a decision after its decider was answered (202): say why here.
            return f"the decision of {latest['reviewer']} was refused: {kept_message(latest['message'])}; decide again"
        return None

    async def review_queue(self) -> list[RunRow]:
        """Runs waiting for a reviewer, with those a dead decider left behind (reopened where they can be)."""
        # Only these two can be in the queue: reading every other run would be work for nothing.
        waiting = [*await self.registry.list_runs("needs_review"), *await self.registry.list_runs("resuming")]
        queue: list[RunRow] = []
        for row in sorted(waiting, key=lambda found: (found.created_at, found.run_id)):
            row = await self.reopen_abandoned(row)
            if row.status == "needs_review" or _left(row):
                queue.append(row)
        return queue


def _last_claimed(decisions: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The latest of a run's decisions that claimed it (refused ones never did), if any."""
    claimed = [decision for decision in decisions if decision["outcome"] != "refused"]
    return claimed[-1] if claimed else None
