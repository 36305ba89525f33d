"""Small text clean-ups shared by the format parsers."""

from __future__ import annotations

import re

_BLANK_RUNS = re.compile(r"\n{3,}")


def normalize_newlines(text: str) -> str:
    r"""Turn ``\r\n`` and lone ``\r`` into ``\n`` and form feeds into ``\n`` (pages never hold ``\f``)."""
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")


def tidy_lines(text: str) -> str:
    """Strip trailing spaces from lines, keep at most one blank line in a row, trim the ends."""
    lines = [line.rstrip() for line in normalize_newlines(text).split("\n")]
    return _BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip("\n")


def visible_chars(text: str) -> int:
    """Count the characters that are not white space."""
    return sum(1 for char in text if not char.isspace())
