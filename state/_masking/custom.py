r"""Users' own named patterns: checked once when they are loaded, run once per page within a time budget.

Python's `re` cannot be interrupted, so these run on the `regex` module (the same syntax), whose matching
takes a timeout. Obviously pathological patterns are refused up front: a group with an unbounded repeat
inside that is itself repeated without bound, the shape of catastrophic backtracking (`(\w+\s?)+`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

_QUANTIFIER = re.compile(r"[*+]|\{(\d*)(,?)(\d*)\}")


def _unbounded_at(pattern: str, index: int) -> tuple[bool, int]:
    """Whether a quantifier without an upper bound starts at `index`, and where the quantifier ends."""
    found = _QUANTIFIER.match(pattern, index)
    if found is None:
        return False, index
    if found[0] in ("*", "+"):
        return True, found.end()
    return bool(found[2]) and not found[3], found.end()


def _skip_class(pattern: str, index: int) -> int:
    """The index after the character class that opens at `index`."""
    index += 1
    if index < len(pattern) and pattern[index] == "^":
        index += 1
    if index < len(pattern) and pattern[index] == "]":
        index += 1
    while index < len(pattern) and pattern[index] != "]":
        index += 2 if pattern[index] == "\\" else 1
    return index + 1


def nested_repeat(pattern: str) -> str | None:
    """The first group that repeats an unbounded repeat without bound, if the pattern has one."""
    opened: list[tuple[int, bool]] = []  # (where the group starts, whether it holds an unbounded repeat)
    index, unbounded_inside = 0, False
    while index < len(pattern):
        char = pattern[index]
        after = index + (2 if char == "\\" else 1)
        if char == "[":
            after = _skip_class(pattern, index)
        elif char == "(":
            opened.append((index, unbounded_inside))
            unbounded_inside = False
            index = after
            continue
        elif char == ")" and opened:
            start, outer = opened.pop()
            repeated, after = _unbounded_at(pattern, after)
            if repeated and unbounded_inside:
                return pattern[start:after]
            unbounded_inside = outer or unbounded_inside or repeated
            index = after
            continue
        repeated, after = _unbounded_at(pattern, after)
        unbounded_inside = unbounded_inside or repeated
        index = after
    return None


@lru_cache(maxsize=256)
def compile_pattern(pattern: str) -> Any:
    """Compile with `regex` (once per pattern); raises ValueError with the reason."""
    # Imported here: only users who configure patterns pay for the module.
    import regex

    try:
        return regex.compile(pattern, regex.VERSION0)
    except regex.error as error:
        raise ValueError(str(error)) from None


def find(pattern: str, text: str, seconds: float) -> Iterator[tuple[int, int]]:
    """Where `pattern` matches in `text`; raises TimeoutError once matching took more than `seconds`."""
    for match in compile_pattern(pattern).finditer(text, timeout=seconds):
        if match.end() > match.start():
            yield match.span()
