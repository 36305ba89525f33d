"""Text and JSON as Postgres can store them: with no NUL character.

Postgres' `text` and `jsonb` cannot hold U+0000, where SQLite can. A NUL that reached an event (a model's answer
quoted in a verdict) or a run's error (a user's rule message) would fail the write, and the write recording the
run's failure after it too: the run would stay claimed by a process that can never release it. So a NUL is stored
as U+FFFD, the replacement character, which `trace` and `explain` show for what it was.
"""

from __future__ import annotations

import json
from typing import Any

NUL = "\x00"
REPLACEMENT = "\ufffd"


def storable(text: str | None) -> str | None:
    """`text` with every NUL replaced (None stays None)."""
    return text if text is None or NUL not in text else text.replace(NUL, REPLACEMENT)


def storable_json(data: Any) -> str:
    """`data` as JSON text for a jsonb column: keys sorted, with every NUL in its strings replaced."""
    text = json.dumps(data, default=str, sort_keys=True)
    if "\\u0000" not in text:  # JSON writes a NUL as this escape: text without it holds none (the common case)
        return text
    return json.dumps(_without_nul(data), default=str, sort_keys=True)


def _without_nul(data: Any) -> Any:
    if isinstance(data, str):
        return storable(data)
    if isinstance(data, dict):
        return {_without_nul(key): _without_nul(value) for key, value in data.items()}
    if isinstance(data, list | tuple):
        return [_without_nul(item) for item in data]
    return data
