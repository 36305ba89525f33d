"""Percentages: "19%", "19 %", "7,5 %", "12.5 percent", "19 Prozent"; canonical form is the plain number, "19"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

_PERCENT = re.compile(
    r"(?<![\w.,])(?P<number>[-\u2212]?\d{1,3}(?:[.,]\d{1,4})?)[ \t\u00a0]*(?:%|percent\b|per\s+cent\b|prozent\b"
    r"|pour\s+cent\b|por\s+ciento\b|per\s+cento\b|procent\b)",
    re.IGNORECASE,
)
_BARE = re.compile(r"[-\u2212]?\d{1,3}(?:[.,]\d{1,4})?")


@dataclass(frozen=True)
class PercentMatch:
    """One percentage written in a text."""

    start: int
    end: int
    value: Decimal


def _number(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", ".").replace("\u2212", "-"))
    except InvalidOperation:
        return None


def format_percentage(value: Decimal) -> str:
    """The canonical form: the plain number without trailing zeros, "19", "7.5"."""
    text = f"{value.normalize():f}"
    return text


def find_percentages(text: str) -> list[PercentMatch]:
    """Every percentage in `text`, in order."""
    found = []
    for m in _PERCENT.finditer(text):
        value = _number(m["number"])
        if value is not None:
            found.append(PercentMatch(m.start(), m.end(), value))
    return found


def parse_percentage(value: str) -> str | None:
    """The canonical form of one percentage ("19%", "19 %", "19", "7,5"), or None."""
    text = value.strip()
    matches = find_percentages(text)
    if len(matches) == 1 and matches[0].start == 0 and matches[0].end == len(text):
        return format_percentage(matches[0].value)
    if _BARE.fullmatch(text):
        number = _number(text)
        return format_percentage(number) if number is not None else None
    return None
