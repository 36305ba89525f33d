"""Dates printed without their year (`12 Mar`, `Mar 12`, `12.03.`, `12/03`), read with the year the document gives.

Statements and receipts print their booking lines so, with the year only in the header (`Statement period 1 March
2024 to 31 March 2024`, `Kontoauszug 03/2024`). Such a date is read only where the text reads as a date: with a
month's name, as a day and month each followed by a dot (`12.03.`, as German prints it; `3.12` is an amount, `12.30`
a time), or, where a date is expected anyway (a date column, a date's label), day and month around a slash
(`12/03`, either way round as numeric dates are; elsewhere it is as likely a fraction or a ratio).

The year is the document's (`DocumentDates`): of the years its full dates print, the one that puts the day within
the span of those dates, or nearest to it; on a statement from 15 Dec 2023 to 14 Jan 2024, `20 Dec` is 2023 and
`5 Jan` 2024. Where two years fit equally (both inside the span, or as near), or the document prints no full date,
there is no reading.
"""

from __future__ import annotations

import re
from calendar import monthrange
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Literal

from claimflow.state.normalize.dates import _MONTH_WORD as MONTH_WORD
from claimflow.state.normalize.dates import _MONTHS as MONTHS
from claimflow.state.normalize.dates import find_dates, parse_iso_date
from claimflow.state.normalize.spans import Spans

Form = Literal["named", "dotted", "slashed"]
"""How a partial date is printed: with a month's name, `12.03.`, or `12/03`."""

_DAY = r"(?P<d>\d{1,2})(?:st|nd|rd|th|\.)?"
_DAY_MONTH = re.compile(
    r"(?<![\w.,/-])" + _DAY + r"[ \t\u00a0-]*(?:of[ \t\u00a0]+)?" + MONTH_WORD + r"(?!\w)", re.IGNORECASE
)
_MONTH_DAY = re.compile(
    r"(?<![\w.,/-])" + MONTH_WORD + r"[ \t\u00a0]+(?P<d>\d{1,2})(?:st|nd|rd|th)?(?![\w/]|[.,:]\d)", re.IGNORECASE
)
_DOTTED = re.compile(r"(?<![\w.,/-])(?P<d>\d{1,2})\.(?P<m>\d{2})\.(?![\w.,/-])")
_SLASHED = re.compile(r"(?<![\w.,/-])(?P<a>\d{1,2})/(?P<b>\d{1,2})(?![\w/]|[.,]\d)")
_MONTH_YEAR = re.compile(
    r"(?<![\w.,/-])(?:" + MONTH_WORD + r"[ \t\u00a0,]+|(?P<m>\d{1,2})/)(?P<y>(?:19|20)\d\d)(?!\w|[/.,-]\w)",
    re.IGNORECASE,
)
"""A month of a year (`March 2024`, `03/2024`): a statement's period, which dates the lines as a full date does."""


@dataclass(frozen=True)
class PartialDate:
    """A day and month printed without a year: `text[start:end]`, which reads as each (month, day) of `readings`."""

    start: int
    end: int
    readings: tuple[tuple[int, int], ...]
    """Month and day; two for a slash read both ways (`03/04`), one where only one is a date or the form says."""
    form: Form


def _valid(month: int, day: int) -> bool:
    # Checked against a leap year: 29 February is a date in some years, and the year decides it later.
    return 1 <= month <= 12 and 1 <= day <= monthrange(2024, month)[1]


def find_partial_dates(text: str, *, slashed: bool = False) -> list[PartialDate]:
    """The dates in `text` printed without a year, in order; none where a full date stands (`12.03.2024`).

    `slashed`: read `12/03` too, for text where a date is expected (a date column, after a date's label).
    """
    taken = Spans.union((m.start, m.end) for m in find_dates(text))
    found: list[PartialDate] = []

    def add(start: int, end: int, readings: list[tuple[int, int]], form: Form) -> None:
        readings = [(month, day) for month, day in dict.fromkeys(readings) if _valid(month, day)]
        if readings and not taken.overlaps(start, end):
            taken.add(start, end)
            found.append(PartialDate(start, end, tuple(readings), form))

    for m in _DAY_MONTH.finditer(text):
        add(m.start(), m.end(), [(MONTHS[m["month_word"].lower()], int(m["d"]))], "named")
    for m in _MONTH_DAY.finditer(text):
        add(m.start(), m.end(), [(MONTHS[m["month_word"].lower()], int(m["d"]))], "named")
    for m in _DOTTED.finditer(text):
        add(m.start(), m.end(), [(int(m["m"]), int(m["d"]))], "dotted")
    if slashed:
        for m in _SLASHED.finditer(text):
            a, b = int(m["a"]), int(m["b"])
            add(m.start(), m.end(), [(b, a), (a, b)], "slashed")  # day-first listed first, as `find_dates` does
    return sorted(found, key=lambda partial: partial.start)


@dataclass(frozen=True)
class DocumentDates:
    """The span of a document's full dates and the years they print: what dates its partial dates."""

    first: date
    last: date
    years: tuple[int, ...]

    def year_of(self, month: int, day: int) -> int | None:
        """The year that puts the day within the span (or nearest to it); None when two fit equally, or none does."""
        distances: dict[int, int] = {}
        for year in self.years:
            try:
                when = date(year, month, day)
            except ValueError:
                continue  # 29 February of a year that has none
            distances[year] = max((self.first - when).days, (when - self.last).days, 0)
        if not distances:
            return None
        nearest = min(distances.values())
        fitting = [year for year, distance in distances.items() if distance == nearest]
        return fitting[0] if len(fitting) == 1 else None

    def read(self, partial: PartialDate) -> tuple[str, ...]:
        """Every ISO date the partial date reads as with the document's year (none where the year is unsettled)."""
        out: list[str] = []
        for month, day in partial.readings:
            year = self.year_of(month, day)
            if year is not None:
                out.append(date(year, month, day).isoformat())
        return tuple(out)

    def describe(self) -> str:
        """The span in words, for reasons people read."""
        if self.first == self.last:
            return f"its one date {self.first.isoformat()}"
        return f"its dates from {self.first.isoformat()} to {self.last.isoformat()}"


def document_dates(pages: Sequence[str]) -> DocumentDates | None:
    """The span of the full dates printed on all `pages` (and months of a year, `03/2024`); None without any."""
    return _document_dates(tuple(pages))


@lru_cache(maxsize=64)
def _document_dates(pages: tuple[str, ...]) -> DocumentDates | None:
    # Remembered: every date claim of a document and every row of its table asks of the same pages.
    days: list[date] = []
    for text in pages:
        full = find_dates(text)
        for match in full:
            days += [parsed for reading in match.readings if (parsed := parse_iso_date(reading)) is not None]
        taken = Spans.union((m.start, m.end) for m in full)
        for m in _MONTH_YEAR.finditer(text):
            month = MONTHS[m["month_word"].lower()] if m["month_word"] else int(m["m"])
            if 1 <= month <= 12 and not taken.overlaps(m.start(), m.end()):
                first = date(int(m["y"]), month, 1)
                days += [first, first.replace(day=monthrange(first.year, month)[1])]
    if not days:
        return None
    return DocumentDates(min(days), max(days), tuple(sorted({day.year for day in days})))


def partial_date_spans(
    normalized: str, text: str, dates: DocumentDates | None, *, slashed: bool = False
) -> tuple[list[tuple[int, int, Form]], str | None]:
    """Where `text` writes the ISO date `normalized` without its year, read with the document's year.

    With none, why not, when `text` writes its day and month: the document gives another year (naming it), two
    years equally, or none. None for the reason when `text` writes no partial date of that day and month.
    """
    claimed = parse_iso_date(normalized)
    if claimed is None:
        return [], None
    same_day = [
        partial
        for partial in find_partial_dates(text, slashed=slashed)
        if (claimed.month, claimed.day) in partial.readings
    ]
    if not same_day:
        return [], None
    shown = text[same_day[0].start : same_day[0].end]
    if dates is None:
        return [], f"{shown!r} prints no year, and the document prints no full date that gives one"
    spans = [(p.start, p.end, p.form) for p in same_day if normalized in dates.read(p)]
    if spans:
        return spans, None
    year = dates.year_of(claimed.month, claimed.day)
    if year is None:
        return [], (
            f"{shown!r} prints no year, and the document's years {', '.join(map(str, dates.years))} fit it "
            f"equally ({dates.describe()}): it reads as no one date"
        )
    return [], f"{shown!r} prints no year; the document gives it {year} ({dates.describe()}), not {claimed.year}"
