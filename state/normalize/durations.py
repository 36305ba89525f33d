"""Find contract terms ("two (2) years", "24 months", "one year") and render them canonically."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "twenty-four": 24, "thirty": 30,
    "thirty-six": 36, "forty-eight": 48, "sixty": 60, "ninety": 90, "a": 1, "an": 1,
}  # fmt: skip
_UNITS = {"year": "year", "month": "month", "week": "week", "day": "day"}

_DURATION = re.compile(
    r"(?<![\w])(?:(?P<word>" + "|".join(sorted(map(re.escape, _WORDS), key=len, reverse=True)) + r")"
    r"(?:[ \t\u00a0]*\((?P<paren>\d+(?:\.\d+)?)\))?|(?P<number>\d+(?:\.\d+)?))"
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


def find_durations(text: str) -> list[DurationMatch]:
    """Return every duration expression in `text`, in order."""
    found: list[DurationMatch] = []
    for m in _DURATION.finditer(text):
        raw = m["paren"] or m["number"]
        amount = Decimal(raw) if raw else Decimal(_WORDS[m["word"].lower()])
        found.append(DurationMatch(m.start(), m.end(), canonical_duration(amount, _UNITS[m["unit"].lower()])))
    return found


def parse_duration(value: str) -> str | None:
    """Parse a duration string such as "2 years" or "eighteen months" into canonical form."""
    matches = find_durations(value.strip())
    return matches[0].canonical if len(matches) == 1 else None


def duration_readings(text: str) -> set[str]:
    """Return every canonical duration that appears in `text`."""
    return {match.canonical for match in find_durations(text)}
