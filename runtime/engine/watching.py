"""Watching runs from outside: pages of runs, following a run's events as they are written, queue figures."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from claimflow.runtime.registry import AsyncRegistry, RunPage, RunRow
from claimflow.runtime.views import PUBLIC_STATUS, public_status

if TYPE_CHECKING:
    from claimflow.runtime.engine.core import PendingReview

MOVING = ("queued", "running", "resuming")
"""Registry statuses of a run that is still advancing (or waiting to be)."""


@dataclass(frozen=True)
class Metrics:
    """Figures about the whole registry, for monitoring."""

    runs_by_status: dict[str, int]
    """Runs per public status (completed, needs_review, failed, and queued / running / resuming)."""
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

    async def follow(self, run_id: str, *, after: int = 0, poll: float = 0.2) -> AsyncIterator[dict[str, Any]]:
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

    async def metrics(self) -> Metrics:
        """Runs by status, the review queue's length and oldest wait, model calls and their cost."""
        counts: dict[str, int] = {}
        for row in await self.registry.list_runs():
            counts[public_status(row)] = counts.get(public_status(row), 0) + 1
        queue = await self.review_queue()
        now, opened = time.time(), []
        for row in queue:
            pending = await self.pending_review(row.run_id)
            opened.append(pending.opened_at if pending is not None and pending.opened_at else row.updated_at)
        calls, cost = await self.registry.usage_totals()
        return Metrics(
            runs_by_status=counts,
            reviews_waiting=len(queue),
            oldest_review_age_seconds=max(0.0, now - min(opened)) if opened else 0.0,
            model_calls=calls,
            model_cost=cost,
        )
