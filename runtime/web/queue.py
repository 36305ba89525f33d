"""The review queue as a reviewer sees it: the waiting runs of their types, with reasons, age, due time and assignee.

Overdue reviews come first, then high-priority ones (an escalation), then the rest; each group in arrival order.
The order and who sees which review are the engine's (`Engine.review_order`, `review_type`), as in the API.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from claimflow.runtime.engine.watching import review_opened_at, review_type
from claimflow.runtime.registry import ReviewView
from claimflow.runtime.web.advice import for_the_browser
from claimflow.runtime.web.render import REVIEW_BASE
from claimflow.state.schema import UNKNOWN_TYPE

if TYPE_CHECKING:
    from claimflow.runtime.engine import Engine
    from claimflow.runtime.service.deps import Principal

__all__ = ["Deadline", "QueueItem", "age", "deadline", "filter_link", "queue_order", "visible_queue"]


@dataclass(frozen=True)
class Deadline:
    """A review's due time, assignee and priority, worded for the page."""

    due: str | None
    """`in 3 h`, `late by 2 d`; None without a due time."""
    due_at: str | None
    """The due time itself, e.g. `2026-11-30 14:00 UTC`."""
    overdue: bool
    assignee: str | None
    priority: str
    """normal or high."""


def _when(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%d %H:%M UTC")


def deadline(review: ReviewView, now: float) -> Deadline:
    """The due time as `in 3 h` or `late by 2 d`, with who has the review and its priority."""
    if review.due_at is None:
        due = None
    else:
        span = age(abs(now - review.due_at)).replace("just now", "under a minute")
        due = f"late by {span}" if review.overdue else f"in {span}"
    when = _when(review.due_at) if review.due_at is not None else None
    return Deadline(due, when, review.overdue, review.assignee, review.priority)


@dataclass(frozen=True)
class QueueItem:
    """One waiting run."""

    run_id: str
    document: str
    doc_type: str | None
    reasons: list[str]
    age: str
    since: str
    note: str | None
    summary: str
    """The first reason's message, e.g. which rule failed."""
    deadline: Deadline


def age(seconds: float) -> str:
    """A short age for people: `just now`, `5 min`, `3 h`, `2 d`."""
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{int(seconds // 60)} min"
    if seconds < 86400:
        return f"{int(seconds // 3600)} h"
    return f"{int(seconds // 86400)} d"


async def queue_order(engine: Engine, principal: Principal) -> list[str]:
    """The ids of the runs this reviewer may review, in the queue's order: for the next-run link and the position.

    Off the registry's rows (no run state, no notes); a reviewer limited to some types also has the open
    reviews of those types' runs read, to leave out the ones whose type was not accepted (see
    `Engine.visible_reviews`).
    """
    return [row.run_id for row in await engine.visible_reviews(principal.may_see)]


async def visible_queue(engine: Engine, principal: Principal) -> list[QueueItem]:
    """The runs `queue_order` lists, in its order, each with its reasons, age, note, due time and assignee.

    Off `Engine.open_reviews` (each waiting run's open review read once): the type under review (`review_type`)
    decides whether this reviewer sees a run, and is the type the page shows and filters by, as every other
    review page judges it; the reasons are the ones the reviewer is asked about. A run without an open review (a
    decision being applied) shows its state's; one whose state cannot be read here, none and a note saying why.
    """
    now = time.time()
    items = []
    for row, pending, unreadable in await engine.open_reviews(now):
        doc_type = review_type(row, pending)
        if not principal.may_see(doc_type):
            continue
        if pending is not None:
            asked = pending.request.reasons
        else:
            state = None if unreadable else await engine.state(row.run_id)
            asked = state.review_reasons if state is not None else []
        reasons: list[str] = list(dict.fromkeys(reason.code for reason in asked))
        first = asked[0].message if asked else ""
        note = unreadable or await engine.review_note(row)
        note = for_the_browser(note) if note is not None else None
        due = deadline(ReviewView.of(row, now), now)
        opened = review_opened_at(row, pending)
        since, waited = _when(opened), age(max(0.0, now - opened))
        items.append(QueueItem(row.run_id, row.filename, doc_type, reasons, waited, since, note, first, due))
    return items


def type_counts(items: list[QueueItem]) -> list[tuple[str, int]]:
    """The types in the queue and how many runs of each wait, for the filter."""
    return sorted(Counter(item.doc_type or UNKNOWN_TYPE for item in items).items())


def filter_link(filters: dict[str, Any], **change: Any) -> str:
    """The queue's address with these filters changed (a false or empty value drops one)."""
    chosen = {**filters, **change}
    query = urlencode({key: "1" if value is True else value for key, value in chosen.items() if value})
    return f"{REVIEW_BASE}?{query}" if query else REVIEW_BASE
