"""The review queue as a reviewer sees it: the waiting runs of their types, with reasons and age."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from claimflow.runtime.engine import Engine
    from claimflow.runtime.service.deps import Principal

__all__ = ["QueueItem", "age", "visible_queue"]


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


def age(seconds: float) -> str:
    """A short age for people: `just now`, `5 min`, `3 h`, `2 d`."""
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{int(seconds // 60)} min"
    if seconds < 86400:
        return f"{int(seconds // 3600)} h"
    return f"{int(seconds // 86400)} d"


async def visible_queue(engine: Engine, principal: Principal) -> list[QueueItem]:
    """The queue in arrival order, only runs of the types this reviewer may see."""
    now = time.time()
    items = []
    for row in await engine.review_queue():
        if not principal.may_see(row.doc_type):
            continue
        state = await engine.state(row.run_id)
        reasons: list[str] = list(dict.fromkeys(reason.code for reason in state.review_reasons)) if state else []
        since = datetime.fromtimestamp(row.created_at, UTC).strftime("%Y-%m-%d %H:%M UTC")
        note = await engine.review_note(row)
        first = state.review_reasons[0].message if state and state.review_reasons else ""
        waited = age(now - row.created_at)
        items.append(QueueItem(row.run_id, row.filename, row.doc_type, reasons, waited, since, note, first))
    return items


def type_counts(items: list[QueueItem]) -> list[tuple[str, int]]:
    """The types in the queue and how many runs of each wait, for the filter."""
    return sorted(Counter(item.doc_type or "unknown" for item in items).items())
