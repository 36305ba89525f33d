"""Header values printed away from their labels.

Text layers do not always keep a label beside its value: the title "Invoice 103767" may carry
the date on the line below it, a German letter dates itself "München, den" with the date further
down, and some layouts print every label of the header block in one place ("Date :",
"Invoice No. :") and every value in another. These readings are plausible, never certain, and
their confidence keeps them for a reviewer to confirm.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from claimflow.runtime.backends.rules._claims import Finding
from claimflow.runtime.backends.rules._labels import GENERIC_DATE, INVOICE_NUMBER, ISSUE_DATE
from claimflow.runtime.backends.rules._lines import Line, Span, span_of
from claimflow.runtime.backends.rules._values import DateOrder, DateValue, dates_in, identifier_after
from claimflow.state.normalize import parse_amount

_TITLE = re.compile(r"^(?:tax\s+)?(?:invoice|rechnung|facture|factura|fattura|factuur|fatura)\b", re.IGNORECASE)
# "München, den 01.11.2024", "Paris, le 31/01/2022": the place and date a letter is written.
_PLACE_DATE = re.compile(r"^[^\W\d_][^\d,:]{1,40},\s*(?:den|le|el|il|am)\b\s*", re.IGNORECASE)
_LOOK_AHEAD = 3


def _lone_date(line: Line, order: DateOrder | None) -> DateValue | None:
    """The date when it is all the line holds."""
    dates = dates_in(line.text, order)
    if len(dates) != 1 or line.text[: dates[0].start].strip() or line.text[dates[0].end :].strip(" ."):
        return None
    return dates[0]


def _next(lines: Sequence[Line], line: Line, k: int = 1) -> Line | None:
    index = line.index + k
    return lines[index] if index < len(lines) and lines[index].page == line.page else None


def title_date(lines: Sequence[Line], order: DateOrder | None) -> Finding | None:
    """A date alone on the line under the document's title ("Invoice 103767" / "February 17, 2026")."""
    for line in lines[:15]:
        below = _next(lines, line)
        if not _TITLE.match(line.text) or len(line.text.split()) > 4 or below is None:
            continue
        if d := _lone_date(below, order):
            span = Span(line.page, line.start, below.start + d.end)
            return Finding("issue_date", d.iso, 0.7 if d.sure else 0.45, span)
    return None


def _date_below(lines: Sequence[Line], line: Line, order: DateOrder | None) -> Finding | None:
    for k in range(1, _LOOK_AHEAD + 1):
        below = _next(lines, line, k)
        d = _lone_date(below, order) if below is not None else None
        if below is not None and d is not None:
            span = Span(line.page, line.start, below.start + d.end)
            return Finding("issue_date", d.iso, 0.55 if d.sure else 0.4, span)
    return None


def place_date(lines: Sequence[Line], order: DateOrder | None) -> Finding | None:
    """The date after "Place, den" / "Place, le": on the line, or alone on one of the next lines."""
    for line in lines:
        m = _PLACE_DATE.match(line.text)
        if not m:
            continue
        dates = dates_in(line.text, order)
        if dates and dates[0].start == m.end():
            d = dates[0]
            return Finding("issue_date", d.iso, 0.78 if d.sure else 0.5, span_of(line, 0, d.end))
        if not line.text[m.end() :].strip() and (found := _date_below(lines, line, order)):
            return found
    return None


def _empty_label(line: Line, label: re.Pattern[str]) -> bool:
    """The line ends with `label` and nothing after it but a colon."""
    found = list(label.finditer(line.text))
    return bool(found) and not line.text[found[-1].end() :].strip(" :#°.")


def _lone_identifier(line: Line) -> bool:
    token = identifier_after(line.text, 0)
    return (
        token is not None
        and token == (0, len(line.text))
        and len(line.text) >= 4
        and parse_amount(line.text) is None
        and (any(ch.isalpha() for ch in line.text) or len(line.text) >= 6)
    )


def detached_header(lines: Sequence[Line], order: DateOrder | None) -> list[Finding]:
    """An unlabelled number-and-date pair, when the document prints those labels with nothing after them.

    Only one such pair may exist: two would leave it to chance which is the invoice's.
    """
    number_label = any(_empty_label(line, INVOICE_NUMBER) for line in lines)
    date_label = any(_empty_label(line, GENERIC_DATE) or _empty_label(line, ISSUE_DATE) for line in lines)
    if not (number_label or date_label):
        return []
    pairs: list[tuple[Line, Line, DateValue]] = []
    for line in lines:
        below = _next(lines, line)
        above = lines[line.index - 1] if line.index > 0 else None
        if below is None or (above is not None and above.text.endswith(":")) or not _lone_identifier(line):
            continue
        if d := _lone_date(below, order):
            pairs.append((line, below, d))
    if len(pairs) != 1:
        return []
    line, below, d = pairs[0]
    found: list[Finding] = []
    if number_label:
        found.append(Finding("invoice_number", line.text, 0.55, span_of(line, 0, len(line.text))))
    if date_label:
        found.append(
            Finding("issue_date", d.iso, 0.55 if d.sure else 0.4, Span(line.page, line.start, below.start + d.end))
        )
    return found
