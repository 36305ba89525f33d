"""Find contract terms ("two (2) years", "24 months", "one year") and render them canonically."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

_ONES = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9}
_TEENS = {
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
# "twenty-five" and "twenty five" are one number: read whole, never as the "five" at its end.
_WORDS = {
    **_ONES,
    **_TEENS,
    **_TENS,
    **{f"{tens}{join}{ones}": value + one for tens, value in _TENS.items() for ones, one in _ONES.items()
       for join in ("-", " ")},
    "a": 1,
    "an": 1,
}  # fmt: skip
_UNITS = {"year": "year", "month": "month", "week": "week", "day": "day"}

_DURATION = re.compile(
    r"(?<![\w-])(?:(?P<word>" + "|".join(sorted(map(re.escape, _WORDS), key=len, reverse=True)) + r")"
    r"(?:[ \t\u00a0]*\((?P<paren>\d+(?:\.\d+)?)\))?|(?P<number>\d+(?:\.\d+)?)(?:[ \t\u00a0]*\([a-z -]+\))?)"
    r"[ \t\u00a0-]*(?:full[ \t\u00a0]+|calendar[ \t\u00a0]+)?(?P<unit>year|month|week|day)s?(?![\w])",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class DurationMatch:
    """One duration expression found in a text."""

    start: int
    end: int
    canonical: str


def canonical_duration(amount: Decimal, unit: str) -> str:
    """Render a duration as "<n> <unit>s", e.g. "2 years", "1 year", "55.5 months"."""
    number = f"{amount.normalize():f}"
    return f"{number} {unit}" + ("" if amount == 1 else "s")


_AND = re.compile(r"[ \t\u00a0,]+and[ \t\u00a0]+", re.IGNORECASE)


def find_durations(text: str) -> list[DurationMatch]:
    """Return every duration expression in `text`, in order.

    A part of a compound term (`two years and six months`) is no duration of its own: neither part is read.
    """
    found: list[DurationMatch] = []
    matches = list(_DURATION.finditer(text))
    joined = {
        index
        for index, (left, right) in enumerate(zip(matches, matches[1:], strict=False))
        if _AND.fullmatch(text, left.end(), right.start())
        for index in (index, index + 1)
    }
    for index, m in enumerate(matches):
        if index in joined:
            continue
        raw = m["paren"] or m["number"]
        amount = Decimal(raw) if raw else Decimal(_WORDS[" ".join(m["word"].lower().split())])
        found.append(DurationMatch(m.start(), m.end(), canonical_duration(amount, _UNITS[m["unit"].lower()])))
    return found


def parse_duration(value: str) -> str | None:
    """Parse a duration string such as "2 years" or "eighteen months" into canonical form."""
    matches = find_durations(value.strip())
    return matches[0].canonical if len(matches) == 1 else None


def duration_readings(text: str) -> set[str]:
    """Return every canonical duration that appears in `text`."""
    return {match.canonical for match in find_durations(text)}
