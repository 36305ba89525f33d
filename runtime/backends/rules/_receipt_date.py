"""The date of a sale: the till's timestamp, read in the order the slip's country writes dates.

"05/03/2018" is 5 March in Kuala Lumpur and Berlin and 3 May in New York. When the slip itself
does not settle the order (no day above 12 anywhere), the currency or the company's legal form
tells where it was printed; that is a convention, so it is trusted a little less.

A date under a label of another date (`EXPIRY DATE`, `DUE DATE`, `BEST BEFORE`, `RETURN BY`: the shared
vocabulary of labels that are no field, `other_labels.py`) is not the sale's, and `DATE` at the end of such a
label is no date label of the sale.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from claimflow.runtime.backends.rules._claims import Finding
from claimflow.runtime.backends.rules._lines import Line, span_of
from claimflow.runtime.backends.rules._values import DateOrder, currencies_in, dates_in
from claimflow.state.labels import LabelIndex
from claimflow.state.normalize import date_readings
from claimflow.state.other_labels import OTHER_LABELS

_DATE_LABEL = re.compile(r"\bdate\b|\b(?:datum|fecha|tarikh|data|dated|tgl|tanggal)\b", re.IGNORECASE)
_TIME_AFTER = re.compile(r"^\D{0,12}?(?<!\d)(?:[01]?\d|2[0-3])\s?:\s?[0-5]\d(?!\d)")
_PHONE = re.compile(r"\b(?:tel\w*|fax|phone|h/?p|mobile|hotline|whatsapp)\b", re.IGNORECASE)
# Where day-first is the rule: most of the world. "$" says nothing (US, Canada, Australia, Singapore...).
_DAY_FIRST_CODES = frozenset(
    "MYR SGD EUR GBP INR AUD NZD HKD IDR THB VND ZAR CHF BRL TRY RUB PLN CZK HUF DKK NOK SEK RON BGN AED SAR".split()
)
_MONTH_FIRST_CODES = frozenset({"USD", "CAD", "PHP"})
_DAY_FIRST_FORMS = re.compile(
    r"\b(?:sdn\.?\s*bhd|berhad|bhd|pte\.?\s*ltd|pty\.?\s*ltd|gmbh|s\.?a\.?r\.?l|plc)\b", re.IGNORECASE
)


_OTHER_DATES = LabelIndex((), {"date": OTHER_LABELS["date"]})
"""Labels of dates that are not the sale's."""


def _other_date(text: str, start: int) -> bool:
    """True when a label of another date (`EXPIRY DATE:`) governs the date at `start`."""
    return _OTHER_DATES.governing(text, start, "date") is not None


@dataclass(frozen=True)
class _Found:
    line: Line
    end: int
    iso: str
    sure: bool
    ambiguous: bool
    timed: bool


def _convention(lines: Sequence[Line]) -> DateOrder | None:
    """Day-first when the slip's currency or legal form is from a day-first country; None when it can't tell."""
    codes = {code for line in lines for code, _, _ in currencies_in(line.text)}
    if codes & _MONTH_FIRST_CODES:
        return None
    if codes & _DAY_FIRST_CODES or any(_DAY_FIRST_FORMS.search(line.text) for line in lines):
        return "dmy"
    return None


def _dates(lines: Sequence[Line], order: DateOrder | None) -> list[_Found]:
    found: list[_Found] = []
    for line in lines:
        if _PHONE.search(line.text) and not _DATE_LABEL.search(line.text):
            continue  # "TEL 03-11-2345" reads as a date; a phone line carries none
        for d in dates_in(line.text, order):
            if not 1990 <= int(d.iso[:4]) <= 2099 or _other_date(line.text, d.start):
                continue
            ambiguous = len(date_readings(line.text[d.start : d.end])) > 1
            timed = bool(_TIME_AFTER.match(line.text[d.end :]))
            found.append(_Found(line, d.end, d.iso, d.sure, ambiguous, timed))
    return found


def receipt_date(lines: Sequence[Line], order: DateOrder | None) -> Finding | None:
    """The purchase date: the first date printed, preferring one with a date label or a time beside it."""
    by_convention = order is None
    found = _dates(lines, order or _convention(lines))
    if not found:
        return None
    labelled = [f for f in found if _DATE_LABEL.search(f.line.text[: f.end])]
    timed = [f for f in found if f.timed]
    chosen = (labelled or timed or found)[0]
    if not chosen.sure:
        confidence = 0.62
    else:
        confidence = 0.9 if chosen in labelled else 0.84
        confidence += 0.03 if chosen.timed else 0.0
        confidence -= 0.04 if chosen.ambiguous and by_convention else 0.0
    if len({f.iso for f in found}) > 1:
        confidence -= 0.1
    return Finding("issue_date", chosen.iso, confidence, span_of(chosen.line, 0, chosen.end))
