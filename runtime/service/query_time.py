"""`since=TIME` in a query string: an ISO 8601 time, its zone offset's `+` taken back where the query made it a space.

A query string reads an unescaped `+` as a space (HTML forms encode spaces so), so `?since=2026-03-01T10:00:00+02:00`
pasted into curl reaches the server as `2026-03-01T10:00:00 02:00`. No ISO 8601 time has a space there, so it can
only have been the offset's `+`: it is read as one, not refused as a time it cannot read.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated

from fastapi import Query
from pydantic import BeforeValidator

from claimflow.runtime.service.said import said_as

_SPACED_OFFSET = re.compile(r"(\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?) (\d{2}(?::?\d{2})?)")
"""A date and time, then a space where its zone offset's `+` was, then the offset (`02:00`, `0200`, `02`)."""


def offset_plus(value: object) -> object:
    """`value` with its offset's `+` back where a query string made it a space; anything else as it came."""
    if isinstance(value, str) and (found := _SPACED_OFFSET.fullmatch(value)) is not None:
        return f"{found[1]}+{found[2]}"
    return value


Since = Annotated[
    datetime | None,
    said_as(
        "an ISO 8601 date or time",
        "send one like 2026-03-01, 2026-03-01T10:00:00Z or 2026-03-01T10:00:00+02:00 (a time without a zone is UTC)",
    ),
    BeforeValidator(offset_plus),
    Query(
        description="Only runs created at or after this time (ISO 8601; UTC without a zone). An offset's `+` sent"
        " unescaped, which a query string reads as a space, is read as `+`."
    ),
]
"""The `since` query parameter of a list of runs."""
