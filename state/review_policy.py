"""How long a review may wait, and what follows when it waits longer: data in the policy, checked at start-up.

Durations are written as a whole number and a unit (`90m`, `24h`, `3d`). Each mapping is keyed by document type,
with `"*"` for every other type; a type with no entry and no `"*"` has no due time and is never overdue.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from claimflow.state.schema import UNKNOWN_TYPE

OverdueAction = Literal["escalate", "reject", "none"]
"""What the sweep does with an overdue review, besides recording it: reassign it to the type's escalation group
with a raised priority, reject the run through the normal decision path, or nothing more."""

ANY_TYPE = "*"
"""The key of every document type not named on its own."""

T = TypeVar("T")

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_DURATION = re.compile(r"(\d+)([smhd])")
LONGEST_DAYS = 3650
"""The longest due time, ten years: a due time is a date, and one past the year 9999 cannot be written as one
(in `review list --json`, the REST API, events); a type whose reviews are never due has no entry."""


def duration_seconds(text: str) -> int:
    """The length of a duration such as `90m`, `24h` or `3d`, in seconds; ValueError saying how to write one."""
    match = _DURATION.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"{text!r} is not a duration: write a whole number and a unit, s, m, h or d (90m, 24h, 3d)")
    seconds = int(match[1]) * _UNITS[match[2]]
    if seconds > LONGEST_DAYS * _UNITS["d"]:
        raise ValueError(
            f"{text!r} is longer than a due time may be ({LONGEST_DAYS}d): "
            "leave the type out for reviews that are never due"
        )
    return seconds


def _checked(text: str) -> str:
    duration_seconds(text)
    return text


Duration = Annotated[str, AfterValidator(_checked)]
"""A duration as written in the policy (`90m`, `24h`, `3d`), checked when the policy is loaded."""


def span(seconds: float) -> str:
    """A length of time for people: `2d 3h`, `5h 12m`, `40m`, `12s` (the two largest units)."""
    whole = max(0, int(seconds))
    parts = [(whole // 86400, "d"), (whole % 86400 // 3600, "h"), (whole % 3600 // 60, "m"), (whole % 60, "s")]
    shown = [f"{count}{unit}" for count, unit in parts if count]
    return " ".join(shown[:2]) or "0s"


def _for_type(table: dict[str, T], doc_type: str | None) -> T | None:
    return table.get(doc_type or UNKNOWN_TYPE, table.get(ANY_TYPE))


class ReviewPolicy(BaseModel):
    """Review deadlines per document type, what follows a missed one, and the reviewer groups it escalates to."""

    model_config = ConfigDict(frozen=True)

    due: dict[str, Duration] = Field(default_factory=dict)
    """How long a review of each type may wait before it is overdue (`{"invoice": "24h", "*": "3d"}`)."""
    on_overdue: dict[str, OverdueAction] = Field(default_factory=dict)
    """What follows an overdue review of each type (default "none": it is only recorded as overdue)."""
    escalate_to: dict[str, str] = Field(default_factory=dict)
    """The group an overdue review of each type is reassigned to, when its type escalates."""
    groups: dict[str, list[str]] = Field(default_factory=dict)
    """Reviewer groups by name: a member may claim a review assigned to the group."""

    @model_validator(mode="after")
    def _escalations_have_groups(self) -> ReviewPolicy:
        for doc_type, action in self.on_overdue.items():
            if action != "escalate":
                continue
            group = _for_type(self.escalate_to, doc_type)
            if group is None:
                raise ValueError(f"on_overdue[{doc_type!r}] is escalate, but escalate_to names no group for it")
        for group in self.escalate_to.values():
            if group not in self.groups:
                raise ValueError(f"escalate_to names group {group!r}, which `groups` does not list")
        for name, members in self.groups.items():
            if not members or any(not member.strip() for member in members):
                raise ValueError(f"group {name!r} needs at least one reviewer name, none of them empty")
        return self

    def due_seconds(self, doc_type: str | None) -> int | None:
        """How long a review of `doc_type` ("unknown" when None) may wait, or None when it has no due time."""
        due = _for_type(self.due, doc_type)
        return None if due is None else duration_seconds(due)

    def action(self, doc_type: str | None) -> OverdueAction:
        """What follows an overdue review of `doc_type`."""
        return _for_type(self.on_overdue, doc_type) or "none"

    def group(self, doc_type: str | None) -> str | None:
        """The group an overdue review of `doc_type` is reassigned to, if its type escalates."""
        return _for_type(self.escalate_to, doc_type)

    def may_claim(self, reviewer: str, assignee: str | None) -> bool:
        """Whether `reviewer` may claim a review assigned to `assignee`: unassigned, theirs, or their group's.

        A group's name is only ever the group: a reviewer who has that name (a token made before the group was)
        is not one of its members for it.
        """
        if assignee is None:
            return True
        if assignee in self.groups:
            return reviewer in self.groups[assignee]
        return assignee == reviewer
