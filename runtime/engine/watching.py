"""Watching runs from outside: pages of runs, following a run's events as they are written, the review queue.

The review queue has one order and one rule of who sees a review, here: the API's list and its review routes,
the review pages, the next-run link and their position all take them from `review_order` and `review_type`.
(A run's own view, and its page images, go by its classified type: `visible_run`.)
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncGenerator, Callable, Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from claimflow.runtime.registry import AsyncRegistry, ReviewView, RunPage, RunRow
from claimflow.runtime.unreadable import readable
from claimflow.runtime.views import PUBLIC_STATUS, runs_by_status
from claimflow.state.schema import UNKNOWN_TYPE

if TYPE_CHECKING:
    from claimflow.runtime.engine.core import PendingReview

MOVING = ("queued", "running", "resume_queued", "resuming")
"""Registry statuses of a run that is still advancing (or waiting to be: a worker takes a `resume_queued` one)."""


@dataclass(frozen=True)
class QueueEntry:
    """A run in the review queue, as a reviewer's list shows it."""

    row: RunRow
    interrupt_id: str | None
    """The open review (None for a run a dead decider left resuming)."""
    doc_type: str | None
    """The type under review ("unknown" when it is not known), else the run's classified type."""
    reasons: list[str]
    opened_at: float
    """When the review opened (its checkpoint's time), else when the run was last updated."""
    note: str | None
    """What a reviewer should know: a decision given up, or left unfinished; that the run's state cannot be read."""
    review: ReviewView
    """Its due time, whether it is overdue, assignee, priority and escalation, off the run row."""


@dataclass(frozen=True)
class Metrics:
    """Figures about the whole registry, for monitoring."""

    runs_by_status: dict[str, int]
    """Runs per public status (completed, needs_review, failed, and queued / running / resuming); failed covers
    rejected."""
    runs_rejected: int
    """How many of the failed runs a reviewer rejected."""
    reviews_waiting: int
    oldest_review_age_seconds: float
    """How long the longest-waiting open review has waited; 0 when none waits."""
    model_calls: int
    model_cost: float


class Watching:
    """Reading runs a page at a time, following one as it moves, and counting what the registry holds."""

    registry: AsyncRegistry

    if TYPE_CHECKING:
        # Provided by the engine this mixes into.
        async def pending_review(self, run_id: str) -> PendingReview | None:  # noqa: D102
            ...

        async def review_queue(self) -> list[RunRow]:  # noqa: D102
            ...

        async def review_note(self, row: RunRow) -> str | None:  # noqa: D102
            ...

    async def runs_page(
        self,
        *,
        status: str | None = None,
        doc_type: str | None = None,
        since: float | None = None,
        after: tuple[float, str] | None = None,
        limit: int = 50,
        doc_types: Collection[str] | None = None,
    ) -> tuple[list[RunRow], tuple[float, str] | None]:
        """Up to `limit` runs in creation order after the position `after`, and the position to go on from.

        A position is a run's (created_at, run_id): runs created later land after it, so paging never shows a
        run twice or skips one. The second value is None on the last page. `status` is a registry or public
        status (failed covers rejected); `doc_types`, when given, keeps only runs of those types.
        """
        statuses = None
        if status is not None:
            statuses = (status, *(name for name, shown in PUBLIC_STATUS.items() if shown == status != name))
        page = RunPage(
            statuses=statuses,
            doc_type=doc_type,
            doc_types=tuple(doc_types) if doc_types is not None else None,
            since=since,
            after=after,
            limit=limit + 1,  # one more tells whether another page follows
        )
        rows = await self.registry.page_runs(page)
        shown = rows[:limit]
        return shown, (shown[-1].created_at, shown[-1].run_id) if len(rows) > limit else None

    async def follow(self, run_id: str, *, after: int = 0, poll: float = 0.2) -> AsyncGenerator[dict[str, Any]]:
        """The run's events in order as they are written (those after seq `after`), until it stops moving.

        The run's status is read before its events: once a finished or paused status is seen, every event
        of that stretch is already stored (the engine writes them before it records the status).
        """
        while True:
            row = await self.registry.get_run(run_id)
            for item in await self.registry.events(row.run_id, after):
                after = item["seq"]
                yield item
            if row.status not in MOVING:
                return
            await asyncio.sleep(poll)

    async def review_order(self, now: float | None = None) -> list[RunRow]:
        """The review queue as reviewers take it: overdue, then high priority, then the rest; each oldest first.

        Off the registry's rows (no run state, no notes), after `review_queue`'s reopening of reviews a dead
        decider abandoned: cheap enough for a next-run link.
        """
        at = time.time() if now is None else now
        return sorted(await self.review_queue(), key=lambda row: urgency(ReviewView.of(row, at)))  # stable

    async def visible_reviews(self, may_see: Callable[[str | None], bool], now: float | None = None) -> list[RunRow]:
        """The runs of `review_order` whose review's type (`review_type`) `may_see` accepts.

        That type is the run's classified type if it was accepted, else "unknown"; the row holds the classified
        type either way. So the row decides alone when the caller sees both or neither (a reviewer without a type
        limit; one limited to other types): only the other runs' open reviews are read.
        """
        shown = []
        for row in await self.review_order(now):
            seen = may_see(row.doc_type)
            if seen != may_see(UNKNOWN_TYPE):
                # A review that cannot be read here goes by the run's type, as one whose decision is being applied.
                pending, _ = await readable(self.pending_review(row.run_id))
                seen = may_see(review_type(row, pending))
            if seen:
                shown.append(row)
        return shown

    async def open_reviews(self, now: float | None = None) -> list[tuple[RunRow, PendingReview | None, str | None]]:
        """The runs of `review_order`, each with its open review, read once, and why it cannot be read here.

        The review is None while a decision is being applied, and for a run whose state cannot be read here (the
        third value says why, see `runtime.unreadable`: the list goes on with the other runs).
        `review_type(row, review)` is who may see each: what a list that shows the reviews filters by.
        """
        return [(row, *await readable(self.pending_review(row.run_id))) for row in await self.review_order(now)]

    async def review_entries(self) -> list[QueueEntry]:
        """The review queue in `review_order`, each run with its open review's id, type, reasons, times and assignee."""
        entries = []
        now = time.time()
        for row, pending, unreadable in await self.open_reviews(now):
            entries.append(
                QueueEntry(
                    row=row,
                    interrupt_id=pending.interrupt_id if pending is not None else None,
                    doc_type=review_type(row, pending),
                    reasons=[f"{r.code}: {r.message}" for r in pending.request.reasons] if pending is not None else [],
                    opened_at=review_opened_at(row, pending),
                    note=unreadable or await self.review_note(row),
                    review=ReviewView.of(row, now),
                )
            )
        return entries

    async def metrics(self) -> Metrics:
        """Runs by status and how many were rejected, the review queue's length and oldest wait, model calls, cost."""
        counted = runs_by_status(await self.registry.count_runs())  # counted by the database, not read
        # The queue's times alone: a scrape builds no reviewer notes.
        opened = [review_opened_at(row, pending) for row, pending, _ in await self.open_reviews()]
        calls, cost = await self.registry.usage_totals()
        return Metrics(
            runs_by_status=counted["runs"],
            runs_rejected=counted["rejected"],
            reviews_waiting=len(opened),
            oldest_review_age_seconds=max(0.0, time.time() - min(opened)) if opened else 0.0,
            model_calls=calls,
            model_cost=cost,
        )


def urgency(review: ReviewView) -> tuple[bool, bool]:
    """The sort key of `review_order`: overdue reviews first, then high-priority ones (escalated), then the rest."""
    return (not review.overdue, review.priority != "high")


def review_type(row: RunRow, pending: PendingReview | None) -> str | None:
    """The type a review is about, which decides who may see it: the type under review, else the run's.

    The type under review is the run's accepted type, or "unknown" when its type was claimed but not accepted:
    a reviewer limited to some types sees only reviews of those, and a document of unknown type is for
    unlimited reviewers. A run's own view goes by its classified type instead (`GET /v1/runs`).
    """
    return pending.request.doc_type if pending is not None else row.doc_type


def review_opened_at(row: RunRow, pending: PendingReview | None) -> float:
    """When the run's review opened: its interrupt's checkpoint time, else when the run last changed."""
    opened = pending.opened_at if pending is not None else None
    return opened if opened is not None else row.updated_at
