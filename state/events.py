"""Trace and audit events: append-only facts from which every decision can be explained."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

EventType = Literal[
    "run.started",
    "run.completed",
    "run.failed",
    "run.superseded",
    "run.model_overridden",
    "step.started",
    "document.parsed",
    "document.unreadable",
    "step.completed",
    "step.failed",
    "claim.accepted",
    "claim.rejected",
    "route.decided",
    "rule.checked",
    "review.requested",
    "review.decided",
    "table.edited",
    "review.assigned",
    "review.claimed",
    "review.overdue",
    "review.escalated",
    "pii.masked",
    "pii.unmasked",
    "model.called",
    "budget.exceeded",
    "arbitration.decided",
    "delivery.started",
    "delivery.succeeded",
    "delivery.failed",
    "run.delivery_failed",
    "run.pruned",
    "run.erased",
    "run.requeued",
]


def utc_now() -> datetime:
    """Return the current time in UTC (the one clock events use)."""
    return datetime.now(UTC)


class Event(BaseModel):
    """One append-only trace/audit fact."""

    model_config = ConfigDict(frozen=True)

    event_id: str = Field(default_factory=lambda: uuid.uuid4().hex)
    type: EventType
    step: str
    at: datetime = Field(default_factory=utc_now)
    data: dict[str, Any] = Field(default_factory=dict)


def event(type_: EventType, step: str, **data: Any) -> Event:
    """Build an event with the given payload.

    Built without re-validation: the type is checked by the type checker, and every run makes hundreds.
    """
    return Event.model_construct(event_id=uuid.uuid4().hex, type=type_, step=step, at=utc_now(), data=data)
