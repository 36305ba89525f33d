"""Text a person sends (a review decision, an API request) holds no control characters.

Nothing a reviewer writes needs one, a terminal or a page could be driven by one, and Postgres cannot store
NUL at all: a decision carrying one would be accepted here and fail where it is recorded, after it claimed the
run. So names refuse every control character, and free text every one but tab, line feed and carriage return.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator

_ANY_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_BUT_LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def control_problem(value: str, *, lines: bool = False) -> str | None:
    """What is wrong with `value` if it holds a control character (tab and line breaks allowed when `lines`)."""
    found = (_CONTROL_BUT_LINES if lines else _ANY_CONTROL).search(value)
    if found is None:
        return None
    allowed = "tab and line breaks are the only ones allowed" if lines else "none is allowed here"
    return f"has the control character U+{ord(found.group()):04X} at position {found.start()}; remove it ({allowed})"


def plain_name(value: str) -> str:
    """`value` as it is; ValueError saying where if it holds a control character (a pydantic validator)."""
    problem = control_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return value


def plain_text(value: str) -> str:
    """`value` as it is; ValueError saying where if it holds a control character but tab and line breaks."""
    problem = control_problem(value, lines=True)
    if problem is not None:
        raise ValueError(problem)
    return value


PlainName = Annotated[str, AfterValidator(plain_name)]
"""An id, a name or a choice: no control characters."""
PlainText = Annotated[str, AfterValidator(plain_text)]
"""Free text: no control characters but tab and line breaks."""
