"""Find calendar dates in text and render them as ISO 8601.

Numeric dates are read day-first where the separator is a dot (European convention) and both
ways where it is a slash or a dash, unless only one reading is a valid date. An ambiguous quote
therefore yields every valid reading, and a claimed value must be one of them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from claimflow.state.normalize.spans import Spans

_MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    [
        "january jan januar janvier enero gennaio januari janeiro jänner janv",
        "february feb februar février fevrier febrero febbraio februari fevereiro févr fevr",
        "march mar märz maerz mars marzo maart março marco mrz",
        "april apr avril abril aprile avr",
        "may mai mayo maggio mei maio",
        "june jun juni juin junio giugno junho",
        "july jul juli juillet julio luglio julho juil",
        "august aug august août aout agosto augustus",
        "september sep sept septembre septiembre settembre setembro",
        "october oct oktober octobre octubre ottobre outubro okt",
        "november nov novembre noviembre novembro",
        "december dec dezember décembre decembre diciembre dicembre dezembro dez déc",
    ],
    start=1,
):
    for _name in _names.split():
        _MONTHS[_name] = _number


def _by_first_letter(names: list[str]) -> str:
    """`names` as one alternation, grouped behind a look-ahead of their first letter, each group in the given order.

    Tried where a date may be, a plain alternation tests every name in turn; grouped, a place tests the names that
    can start there, in the same order: the same matches. The names start with ASCII letters, one case of each.
    """
    groups: dict[str, list[str]] = {}
    for name in names:
        groups.setdefault(name[0], []).append(name)
    return "|".join(f"(?={first})(?:{'|'.join(group)})" for first, group in groups.items())


_MONTH_NAMES = _by_first_letter(sorted(map(re.escape, _MONTHS), key=len, reverse=True))
"""Every month's names, longest first, so that `mar` does not win over `march`."""
_MONTH_WORD = r"(?P<month_word>" + _MONTH_NAMES + r")\.?"
_DIGIT = re.compile(r"\d")
_MONTH_FIRST = "(?=[" + "".join(sorted({name[0] for name in _MONTHS})) + "])"
"""A lookahead of the letters a month's name starts with."""
# Each pattern opens with a lookahead of the characters a date can start with: a scan passes over the others at
# once, where the look-behind was tried at every character (finding the dates of a line took twice as long).
_ISO = re.compile(r"(?=\d)(?<!\d)(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?!\d)")
_NUMERIC = re.compile(r"(?=\d)(?<![\d.])(?P<a>\d{1,2})(?P<sep>[./-])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4}|\d{2})(?![\d])")
_DAY_MONTH_YEAR = re.compile(
    # No-break spaces count as spaces: PDF text layers print "August\u00a03,\u00a02009".
    # "the 15th\nday of May": contracts wrap there, so only "day of" may follow a line break.
    r"(?=\d)(?<![\w])(?P<d>\d{1,2})(?:st|nd|rd|th|er|\.)?"
    r"(?:\s*day\s+of\s+|[ \t\u00a0-]*(?:de[ \t\u00a0]+|of[ \t\u00a0]+)?)"
    + _MONTH_WORD
    + r"[ \t\u00a0,-]*(?:de[ \t\u00a0]+)?(?P<y>\d{4}|\d{2})(?!\d)",
    re.IGNORECASE,
)
_NO_SHORT_YEAR_AFTER = re.compile(
    r"[.,:]\d|[ \t\u00a0]*(?:" + _MONTH_NAMES + r")(?![^\W\d_])",
    re.IGNORECASE,
)
"""What follows two digits that are no year: decimals or a time (`12 Mar 23.40`, `12 Mar 14:30`), or a month
(`12 Mar 15 Mar`: a statement's booking and value dates, each without its year)."""
_MONTH_DAY_YEAR = re.compile(
    _MONTH_FIRST
    + r"(?<![\w])"
    + _MONTH_WORD
    + r"[ \t\u00a0]+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?[ \t\u00a0]+(?P<y>\d{4})(?!\d)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class DateMatch:
    """One date expression found in a text, with every valid reading of it."""

    start: int
    end: int
    readings: tuple[str, ...]

    @property
    def ambiguous(self) -> bool:
        """True when the expression can be read as more than one date."""
        return len(self.readings) > 1


def _year(text: str) -> int:
    value = int(text)
    # Two-digit years are read as 20yy: documents in scope are recent.
    return 2000 + value if len(text) == 2 else value


def _iso(year: int, month: int, day: int) -> str | None:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def _readings(*candidates: tuple[int, int, int]) -> tuple[str, ...]:
    out: list[str] = []
    for year, month, day in candidates:
        iso = _iso(year, month, day)
        if iso is not None and iso not in out:
            out.append(iso)
    return tuple(out)


def find_dates(text: str) -> list[DateMatch]:
    """Return the date expressions in `text`, in order, without overlaps."""
    if _DIGIT.search(text) is None:  # every date writes its day or its year in digits; most lines hold none
        return []
    found: list[DateMatch] = []
    taken = Spans()

    def add(start: int, end: int, readings: tuple[str, ...]) -> None:
        if readings and not taken.overlaps(start, end):
            taken.add(start, end)
            found.append(DateMatch(start, end, readings))

    for m in _DAY_MONTH_YEAR.finditer(text):
        if len(m["y"]) == 2 and _NO_SHORT_YEAR_AFTER.match(text, m.end()):
            continue
        month = _MONTHS[m["month_word"].lower()]
        add(m.start(), m.end(), _readings((_year(m["y"]), month, int(m["d"]))))
    for m in _MONTH_DAY_YEAR.finditer(text):
        month = _MONTHS[m["month_word"].lower()]
        add(m.start(), m.end(), _readings((int(m["y"]), month, int(m["d"]))))
    for m in _ISO.finditer(text):
        add(m.start(), m.end(), _readings((int(m["y"]), int(m["m"]), int(m["d"]))))
    for m in _NUMERIC.finditer(text):
        a, b, year = int(m["a"]), int(m["b"]), _year(m["y"])
        if m["sep"] == ".":
            readings = _readings((year, b, a))
        else:
            readings = _readings((year, b, a), (year, a, b))
        add(m.start(), m.end(), readings)
    found.sort(key=lambda match: match.start)
    return found


def parse_iso_date(value: str) -> date | None:
    """Parse a strict ISO yyyy-mm-dd string, or return None."""
    try:
        return date.fromisoformat(value.strip()) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()) else None
    except ValueError:
        return None


def date_readings(text: str) -> set[str]:
    """Return every ISO reading of every date expression in `text`."""
    return {reading for match in find_dates(text) for reading in match.readings}
