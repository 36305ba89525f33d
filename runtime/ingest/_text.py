"""Small text clean-ups shared by the format parsers."""

from __future__ import annotations

import re

_BLANK_RUNS = re.compile(r"\n{3,}")

_BOMS: tuple[tuple[bytes, str], ...] = (
    # UTF-32's little-endian BOM starts with UTF-16's: look for it first.
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
_SAMPLE = 4096
_UNIT_SHARE = 0.9
"""Share of code units in the sample whose high bytes must be NUL for a BOM-less file to count as UTF-16/32."""


def normalize_newlines(text: str) -> str:
    r"""Turn ``\r\n`` and lone ``\r`` into ``\n`` and form feeds into ``\n`` (pages never hold ``\f``)."""
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")


def tidy_lines(text: str) -> str:
    """Strip trailing spaces from lines, keep at most one blank line in a row, trim the ends."""
    lines = [line.rstrip() for line in normalize_newlines(text).split("\n")]
    return _BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip("\n")


def at_line_start(parts: list[str]) -> bool:
    """Whether the text written so far as `parts` is empty or ends with a line end."""
    tail = "".join(parts[-2:])
    return not tail or tail.endswith("\n")


def cell_break(parts: list[str]) -> None:
    """End a table cell in `parts`: its trailing spaces dropped, then a tab unless its line is still empty."""
    while parts and parts[-1].endswith(" "):
        parts[-1] = parts[-1].rstrip(" ")
        if not parts[-1]:
            parts.pop()
    if not at_line_start(parts):
        parts.append("\t")


def visible_chars(text: str) -> int:
    """Count the characters that are not white space."""
    return sum(1 for char in text if not char.isspace())


def wide_encoding(data: bytes) -> str | None:
    r"""The UTF-16 or UTF-32 codec that reads `data`, or None when it is not clearly either.

    A byte order mark decides. Without one, only the clear pattern of Latin text counts: every code
    unit's high bytes NUL and its low byte not (``"A\x00B\x00"`` is UTF-16-LE), in nearly all units of
    the first 4 KiB, and a length that is a whole number of units. Binary data that happens to fit still
    has to pass the plain-text reader's control-character check.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return codec
    for width, codec in ((4, "utf-32"), (2, "utf-16")):
        if not data or len(data) % width:
            continue
        units = [data[i : i + width] for i in range(0, min(len(data), _SAMPLE), width)]
        for order, low in (("le", 0), ("be", width - 1)):
            latin = sum(1 for unit in units if unit[low] and unit.count(0) == width - 1)
            if latin >= _UNIT_SHARE * len(units):
                return f"{codec}-{order}"
    return None
