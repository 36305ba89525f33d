"""Reading values out of a line: money amounts, dates and identifiers, with their offsets."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Literal

from claimflow.state.normalize import CreditMarks, DateMatch, currency_mentions, find_amounts, find_dates
from claimflow.state.normalize.numbers import DecimalMark
from claimflow.state.normalize.partial_dates import DocumentDates, find_partial_dates
from claimflow.state.normalize.spans import Spans, any_within

DateOrder = Literal["dmy", "mdy"]

_PLACEHOLDER = re.compile(r"\[[A-Z]+_\d+\]")
_PERCENT_AFTER = re.compile(r"\s?%")
_NUMERIC_DATE = re.compile(r"(?<![\d.])(\d{1,2})[/-](\d{1,2})[/-](?:\d{4}|\d{2})(?!\d)")


@dataclass(frozen=True)
class Writing:
    """How a document writes its values, as far as reading them goes."""

    order: DateOrder | None
    """Whether its numeric dates are day-first or month-first, if it shows."""
    marks: CreditMarks = "accounting"
    """What `CR` and `DR` after an amount say: its type's `credit_marks`."""
    decimals: DecimalMark | None = None
    """Whether its figures mark decimals with a dot or a comma, if it shows (`decimal_mark`)."""
    dates: DocumentDates | None = None
    """The span and years of its full dates, which give a date printed without a year (`12 Mar`) its year."""


@dataclass(frozen=True)
class Money:
    """An amount on a line: offsets are within the line's text."""

    start: int
    end: int
    """Where it ends with the mark that says its sign (`AmountMatch.sign_end`): a negative's closing mark belongs to
    it (a quote cut before `)` reads as a positive amount); on a statement a `CR` does too (the quote shows what
    says the amount is money in)."""
    value: Decimal
    has_cents: bool
    """True when printed with decimals or beside a currency: a price, not a count."""
    sign_start: int
    """Where it starts with the mark before it that makes it negative (`AmountMatch.sign_start`): `-£`, `- `, `(`."""


@lru_cache(maxsize=4096)
def currencies_in(text: str) -> tuple[tuple[str, int, int], ...]:
    """`currency_mentions` of a line, remembered: money, date order and currency rules all ask of the same lines."""
    return tuple(currency_mentions(text))


@lru_cache(maxsize=4096)
def date_matches(text: str) -> tuple[DateMatch, ...]:
    """`find_dates` of a line, remembered: money (to skip dates) and every date rule ask of the same lines."""
    return tuple(find_dates(text))


@lru_cache(maxsize=4096)
def money_in(text: str, marks: CreditMarks = "accounting") -> tuple[Money, ...]:
    """Amounts in `text` that can be money: not percentages, dates or parts of placeholders.

    `marks`: what `CR` and `DR` after an amount say (the type's `credit_marks`); the mark that decides its sign
    belongs to it. Remembered per line: the detectors and extractors of one document read the same lines again and
    again (the classifier alone asks every type's detector), and the answer depends on the text only.
    """
    blocked = Spans.union(
        [(m.start(), m.end()) for m in _PLACEHOLDER.finditer(text)] + [(d.start, d.end) for d in date_matches(text)]
    )
    mentions = currencies_in(text)
    currency_starts = sorted(start for _, start, _ in mentions)
    currency_ends = sorted(end for _, _, end in mentions)
    out: list[Money] = []
    for match in find_amounts(text, marks=marks):
        if blocked.overlaps(match.start, match.end):
            continue
        if _PERCENT_AFTER.match(text, match.end):
            continue
        number = text[match.start : match.end]
        cents = bool(re.search(r"[.,]\d{1,2}$", number))
        near_currency = any_within(currency_starts, match.end - 2, match.end + 2) or any_within(
            currency_ends, match.start - 2, match.start + 2
        )
        out.append(Money(match.start, match.sign_end, match.value, cents or near_currency, match.sign_start))
    return tuple(out)


def last_money(text: str) -> Money | None:
    """The right-most money amount of a line (the value column); plain readings beat space-grouped."""
    amounts = [m for m in money_in(text) if m.has_cents]
    if not amounts:
        return None
    end = max(m.end for m in amounts)
    # "3 191.00" is as often a quantity and a price as one grouped number: take the short reading.
    return min((m for m in amounts if m.end == end), key=lambda m: m.end - m.start)


def date_order(pages: Sequence[str]) -> DateOrder | None:
    """Whether the document writes numeric dates day-first or month-first, if it shows."""
    day_first = month_first = 0
    for text in pages:
        for m in _NUMERIC_DATE.finditer(text):
            a, b = int(m.group(1)), int(m.group(2))
            day_first += a > 12 >= b
            month_first += b > 12 >= a
    if day_first and not month_first:
        return "dmy"
    if month_first and not day_first:
        return "mdy"
    return None


@dataclass(frozen=True)
class DateValue:
    """A date found in a line, read into ISO form."""

    start: int
    end: int
    iso: str
    sure: bool
    """False when the expression has several readings and the document did not settle which."""


def dates_in(text: str, order: DateOrder | None) -> list[DateValue]:
    """Dates in `text`, each read once: ambiguous numeric dates follow the document's order."""
    out: list[DateValue] = []
    for match in date_matches(text):
        if not match.ambiguous:
            out.append(DateValue(match.start, match.end, match.readings[0], True))
            continue
        # The normaliser lists the day-first reading first.
        iso = match.readings[1] if order == "mdy" else match.readings[0]
        out.append(DateValue(match.start, match.end, iso, order is not None))
    return out


def yearless_dates_in(text: str, order: DateOrder | None, dates: DocumentDates | None) -> list[DateValue]:
    """Dates in `text` printed without a year (`12 Mar`, `12.03.`, `03/12`), each read with the document's year.

    For text where a date is expected (a date column, after a date's label): `03/12` reads as the document's numeric
    dates do, day-first unless they are month-first, unsure where they do not say and both are dates. One whose
    year the document does not settle (`DocumentDates.year_of`) is no date.
    """
    if dates is None:
        return []
    out: list[DateValue] = []
    for partial in find_partial_dates(text, slashed=True):
        # The normaliser lists the day-first reading first.
        pairs = partial.readings
        month, day = pairs[1] if len(pairs) > 1 and order == "mdy" else pairs[0]
        year = dates.year_of(month, day)
        if year is not None:
            iso = date(year, month, day).isoformat()
            out.append(DateValue(partial.start, partial.end, iso, len(pairs) == 1 or order is not None))
    return out


_ID_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9\-/_.]*[A-Za-z0-9]|[0-9]")
SPACES = " \t\u00a0\u202f\u2009"
"""Spaces within a line: plain, tab, no-break, narrow no-break and thin (PDF text layers print all of them)."""


def identifier_after(text: str, pos: int) -> tuple[int, int] | None:
    """The identifier token starting at or after `pos`, if it looks like a document number."""
    m = _ID_TOKEN.search(text, pos)
    if not m or text[pos : m.start()].strip(SPACES + ":#.-°º") != "":
        return None
    token = m.group()
    # A document number carries a digit; words after a label ("Date", "Page") are not numbers.
    if not any(ch.isdigit() for ch in token) or len(token) > 30:
        return None
    if _PLACEHOLDER.fullmatch(text[max(0, m.start() - 1) : m.end() + 1] or ""):
        return None
    if find_dates(token) and find_dates(token)[0].end - find_dates(token)[0].start == len(token):
        return None
    # A minus right before the first figure is the identifier's sign, printed as part of it (`-12.50`).
    signed = m.start() > pos and text[m.start() - 1] == "-" and token[0].isdigit()
    return m.start() - signed, m.end()
