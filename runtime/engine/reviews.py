"""The review queue over time: who a review is assigned to, and the sweep that acts on reviews past their due time.

A review's due time is set when the run pauses for it (the run's policy, `review.due`), and kept on the run's row.
The sweep (`claimflow review sweep`, or `Engine.sweep_reviews` called by a server) records `review.overdue` once
per review, then does what the sweeping engine's policy says for the type (`review.on_overdue`): escalate (assign
the review to the type's group with a high priority), reject the run through the normal decision path with the
reviewer `sweep`, or nothing more. Each run is claimed with the registry's lease before it is touched, and every
change is a check-and-set under the run's row lock, so two sweeps at once never both act on a review.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from claimflow.runtime.engine.models import RunModelError
from claimflow.runtime.engine.tokens import NAME_RULE, is_token_name
from claimflow.runtime.errors import WorkflowVersionError
from claimflow.runtime.registry import AsyncRegistry, RegistryError, RunBusyError, RunRow, busy_error
from claimflow.runtime.registry.reviews import due_time, iso_time
from claimflow.runtime.settings import Settings
from claimflow.runtime.store import BlobMissingError
from claimflow.runtime.unreadable import readable
from claimflow.state.errors import InvalidDecisionError
from claimflow.state.events import event
from claimflow.state.review import ReviewDecision

if TYPE_CHECKING:
    from claimflow.state.workflow import WorkflowState

SWEEPER = "sweep"
"""The reviewer a default decision of the sweep is recorded under."""

SweepAction = Literal["overdue", "escalated", "rejected", "failed"]


@dataclass(frozen=True)
class SweepOutcome:
    """What the sweep did with one overdue review."""

    run_id: str
    interrupt_id: str
    doc_type: str | None
    action: SweepAction
    """overdue (recorded only), escalated, rejected, or failed (the follow-up could not be done: see `detail`)."""
    assignee: str | None = None
    detail: str = ""

    def as_json(self) -> dict[str, Any]:
        """The outcome as `review sweep --json` prints it."""
        return {
            "run_id": self.run_id,
            "interrupt_id": self.interrupt_id,
            "doc_type": self.doc_type,
            "action": self.action,
            "assignee": self.assignee,
            "detail": self.detail,
        }


def _name(text: str, what: str) -> str:
    name = text.strip()
    if not name:
        raise ValueError(f"{what} must not be empty")
    return name


class ReviewDesk:
    """Assigning and claiming reviews, and sweeping the overdue ones."""

    registry: AsyncRegistry
    settings: Settings
    owner: str
    _sweeping: asyncio.Lock
    """One sweep at a time in this process: its sweeps share one lease owner."""

    if TYPE_CHECKING:
        # Provided by the engine this mixes into.
        @property
        def readonly(self) -> bool:  # noqa: D102
            ...

        async def state(self, run_id: str, *, row: RunRow | None = None) -> WorkflowState | None:  # noqa: D102
            ...

        async def not_decidable(self, row: RunRow) -> str:  # noqa: D102
            ...

        async def decide(  # noqa: D102
            self,
            run_id: str,
            decision: ReviewDecision,
            *,
            interrupt_id: str | None = None,
            seen_at: float | None = None,
            any_assignee: bool = False,
        ) -> RunRow: ...

    async def _open_review(self, run_id: str) -> tuple[RunRow, str]:
        row = await self.registry.get_run(run_id)
        if row.status != "needs_review" or row.interrupt_id is None:
            raise busy_error(row, await self.not_decidable(row))
        return row, row.interrupt_id

    def assignee_problem(self, assignee: str) -> str | None:
        """Why the REST API may not assign a review to `assignee` (None: a name a token may have, or a group).

        Over the API reviewers are tokens, so a review given to any other name could be claimed and decided there
        by no reviewer. The CLI's reviewers are free names (`--reviewer`, `--as`): `assign_review` takes any.
        """
        name = assignee.strip()
        if name in self.settings.policy.review.groups or is_token_name(name):
            return None
        return f"{name!r} is neither a name a token may have ({NAME_RULE}) nor a group of the policy's review.groups"

    async def assign_review(self, run_id: str, assignee: str) -> RunRow:
        """Assign the run's open review to a reviewer or group (`review.assigned`); anyone may reassign it.

        Not to a reviewer whose token is limited to other document types, nor to a submitter's or a monitor's
        token: they could neither see nor decide it, and only an admin could take it back.
        """
        name = _name(assignee, "the assignee")
        row, review = await self._open_review(run_id)
        # A group's name is the group's, never one reviewer's (as for a claim), even where a token was named so.
        tokens = [] if name in self.settings.policy.review.groups else await self.registry.tokens()
        holder = next((t for t in tokens if t.name == name and t.revoked_at is None), None)
        limited = holder.types if holder is not None else None

        def refuse(now: RunRow) -> str | None:
            if holder is not None and holder.role not in ("reviewer", "admin"):
                return f"{name} is a {holder.role}'s token: it may not review; assign it to a reviewer"
            if limited is not None and now.doc_type not in limited:
                return (
                    f"{name} may review only {', '.join(limited)}, not {now.doc_type or 'a run of no known type'}:"
                    " assign it to a reviewer who may"
                )
            return _changed_meanwhile(row, now)

        record = event("review.assigned", "review", interrupt_id=review, assignee=name, previous=row.assignee)
        return await self.registry.update_review(
            row.run_id, interrupt_id=review, changes={"assignee": name}, events=[record], refuse=refuse
        )

    async def claim_review_as(self, run_id: str, reviewer: str) -> RunRow:
        """Take the run's open review (`review.claimed`): only if unassigned, yours, or your group's."""
        name = _name(reviewer, "the reviewer")
        row, review = await self._open_review(run_id)
        policy = self.settings.policy.review
        if row.assignee == name and name not in policy.groups:  # a group's name is the group's, never one reviewer's
            return row

        def refuse(now: RunRow) -> str | None:
            if not policy.may_claim(name, now.assignee):
                return (
                    f"run {now.run_id} is assigned to {now.assignee}: only they (or a member of that group) may "
                    "claim it; `claimflow review assign` reassigns it"
                )
            return _changed_meanwhile(row, now)

        record = event("review.claimed", "review", interrupt_id=review, reviewer=name, previous=row.assignee)
        return await self.registry.update_review(
            row.run_id, interrupt_id=review, changes={"assignee": name}, events=[record], refuse=refuse
        )

    async def sweep_reviews(self, *, now: float | None = None) -> list[SweepOutcome]:
        """Act on every review past its due time at `now` (Unix time; default: the clock), once per review.

        Reviews another process holds (a decision being applied, another sweep) are left to it. A run whose
        state cannot be read here (`runtime.unreadable`) is left untouched, its outcome `failed` saying why.
        Returns what was done with each review this sweep acted on.
        """
        moment = time.time() if now is None else now
        async with self._sweeping:
            outcomes = []
            for row in await self.registry.list_runs("needs_review"):
                due = due_time(row)
                if row.interrupt_id is None or due is None or due > moment:
                    continue
                outcome = await self._sweep_one(row, row.interrupt_id, moment)
                if outcome is not None:
                    outcomes.append(outcome)
            return outcomes

    async def _sweep_one(self, row: RunRow, review: str, now: float) -> SweepOutcome | None:
        state, unreadable = await readable(self.state(row.run_id))
        if unreadable is not None:
            # Its type and policy are in the state a newer claimflow wrote: left as it is, said (a failed outcome)
            # each sweep until a claimflow that can read it sweeps, and never stopping the sweep of the others.
            return SweepOutcome(row.run_id, review, row.doc_type, "failed", row.assignee, unreadable)
        doc_type = state.doc_type if state is not None else None  # None (no known type) looks up "unknown"
        shown = row.doc_type  # the outcome names the type as `show` does: "unknown" for a memo, not null
        policy = self.settings.policy.review
        action = policy.action(doc_type)
        left = row.overdue_at is None or (action == "escalate" and row.escalated_at is None) or action == "reject"
        if not left:
            return None
        try:
            await self.registry.claim(
                row.run_id, owner=self.owner, allowed=("needs_review",), status="needs_review", interrupt_id=review
            )
        except RunBusyError:
            return None  # a decider or another sweep holds it
        try:
            row = await self._mark_overdue(row, review, doc_type, action, now)
            if action == "escalate" and row.escalated_at is None:
                row = await self._escalate(row, review, policy.group(doc_type), now)
                return SweepOutcome(row.run_id, review, shown, "escalated", row.assignee)
            if action == "reject":
                return await self._reject(row, review, shown)
            return SweepOutcome(row.run_id, review, shown, "overdue", row.assignee)
        except RunBusyError:
            return None  # another sweep marked or escalated it first, or the run moved on
        finally:
            await self._let_go(row.run_id)

    async def _mark_overdue(self, row: RunRow, review: str, doc_type: str | None, action: str, now: float) -> RunRow:
        if row.overdue_at is not None:
            return row
        record = event(
            "review.overdue",
            "sweep",
            interrupt_id=review,
            due_at=iso_time(row.review_due_at),
            swept_at=iso_time(now),
            doc_type=doc_type,
            then=action,
        )
        return await self.registry.update_review(
            row.run_id,
            interrupt_id=review,
            changes={"overdue_at": now},
            events=[record],
            refuse=lambda found: "already overdue" if found.overdue_at is not None else None,
        )

    async def _escalate(self, row: RunRow, review: str, group: str | None, now: float) -> RunRow:
        record = event("review.escalated", "sweep", interrupt_id=review, group=group, previous=row.assignee)
        return await self.registry.update_review(
            row.run_id,
            interrupt_id=review,
            changes={"assignee": group, "priority": "high", "escalated_at": now},
            events=[record],
            refuse=lambda found: "already escalated" if found.escalated_at is not None else None,
        )

    async def _reject(self, row: RunRow, review: str, doc_type: str | None) -> SweepOutcome:
        reason = f"review overdue: due {iso_time(row.review_due_at)}, not decided in time (policy review.on_overdue)"
        if self.readonly:
            return SweepOutcome(
                row.run_id, review, doc_type, "failed", row.assignee, "a read-only engine rejects nothing"
            )
        decision = ReviewDecision(reviewer=SWEEPER, action="reject", reason=reason)
        # A run whose model or document cannot be had on this host keeps its review open, for the next sweep.
        try:
            done = await self.decide(row.run_id, decision, interrupt_id=review, any_assignee=True)
        except (RegistryError, InvalidDecisionError, WorkflowVersionError, RunModelError, BlobMissingError) as error:
            return SweepOutcome(row.run_id, review, doc_type, "failed", row.assignee, str(error))
        if done.status == "resume_queued":  # production mode: recorded with its resume job, a worker applies it
            return SweepOutcome(row.run_id, review, doc_type, "rejected", row.assignee, f"{reason}; queued")
        if done.status != "rejected":
            return SweepOutcome(row.run_id, review, doc_type, "failed", row.assignee, done.error or done.status)
        return SweepOutcome(row.run_id, review, doc_type, "rejected", row.assignee, reason)

    async def _let_go(self, run_id: str) -> None:
        """Give up the sweep's lease, if it still holds it (a decision that resumed the run released it already)."""
        row = await self.registry.get_run(run_id)
        # A rejection queued for a worker (production mode) leaves the run resume_queued under the sweep's lease:
        # given up here, or the worker could never take the run.
        if row.lease_owner == self.owner and row.status in ("needs_review", "resume_queued"):
            await self.registry.release(run_id, owner=self.owner, status=row.status, interrupt_id=row.interrupt_id)


def _changed_meanwhile(seen: RunRow, now: RunRow) -> str | None:
    if now.assignee != seen.assignee:
        return f"run {now.run_id} was assigned to {now.assignee} meanwhile; look at it again"
    return None
