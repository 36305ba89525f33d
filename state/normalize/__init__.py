"""Normalisation of field values, and the check that a value follows from its quote.

Each field has a kind. A kind knows how to bring a claimed value into canonical form and which
canonical values a quote supports; a claim is accepted only when its canonical value is among
them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from claimflow.state.normalize.amounts import AmountMatch, amount_readings, find_amounts, format_amount, parse_amount
from claimflow.state.normalize.currency import ISO_4217, currency_mentions, currency_readings, is_currency_code
from claimflow.state.normalize.dates import DateMatch, date_readings, find_dates, parse_iso_date
from claimflow.state.normalize.durations import DurationMatch, duration_readings, find_durations, parse_duration
from claimflow.state.normalize.text import collapse_space, compact, fold

FieldKind = Literal["text", "identifier", "date", "amount", "currency", "duration"]

__all__ = [
    "ISO_4217",
    "AmountMatch",
    "DateMatch",
    "DurationMatch",
    "FieldKind",
    "ValueCheck",
    "amount_readings",
    "check_value",
    "collapse_space",
    "compact",
    "currency_mentions",
    "currency_readings",
    "date_readings",
    "duration_readings",
    "find_amounts",
    "find_dates",
    "find_durations",
    "fold",
    "format_amount",
    "normalize_value",
    "with_article",
    "parse_amount",
    "parse_duration",
    "parse_iso_date",
]


@dataclass(frozen=True)
class ValueCheck:
    """The outcome of checking a value against its quote."""

    ok: bool
    normalized: str | None
    reason: str


def normalize_value(kind: FieldKind, value: str) -> str | None:
    """Return the canonical form of `value` for `kind`, or None when it cannot be read as one."""
    value = value.strip()
    if not value:
        return None
    if kind == "text":
        return collapse_space(value)
    if kind == "identifier":
        return collapse_space(value) if compact(value) else None
    if kind == "date":
        if parsed := parse_iso_date(value):
            return parsed.isoformat()
        readings = date_readings(value)
        only = next(iter(readings)) if len(readings) == 1 else None
        return only if only and len(find_dates(value)) == 1 else None
    if kind == "amount":
        amount = parse_amount(value)
        return format_amount(amount) if amount is not None else None
    if kind == "currency":
        code = value.upper()
        if is_currency_code(code):
            return code
        readings = currency_readings(value)
        return next(iter(readings)) if len(readings) == 1 else None
    if kind == "duration":
        return parse_duration(value)
    raise AssertionError(f"unhandled field kind {kind!r}")


def with_article(kind: FieldKind) -> str:
    """The kind with its article ("an amount", "a date"), for messages people read."""
    return ("an " if kind[0] in "aeiou" else "a ") + kind


def _supported(kind: FieldKind, normalized: str, quote: str) -> bool:
    if kind == "text":
        return fold(normalized) in fold(quote)
    if kind == "identifier":
        return compact(normalized) in compact(quote)
    if kind == "date":
        return normalized in date_readings(quote)
    if kind == "amount":
        amount = parse_amount(normalized)
        return amount is not None and amount in amount_readings(quote)
    if kind == "currency":
        return normalized in currency_readings(quote)
    if kind == "duration":
        return normalized in duration_readings(quote)
    raise AssertionError(f"unhandled field kind {kind!r}")


def check_value(kind: FieldKind, value: str, quote: str) -> ValueCheck:
    """Check that `value` can be read as `kind` and follows from `quote` after normalisation."""
    normalized = normalize_value(kind, value)
    if normalized is None:
        return ValueCheck(False, None, f"value {value!r} cannot be read as {with_article(kind)}")
    if not _supported(kind, normalized, quote):
        return ValueCheck(False, normalized, f"value {normalized!r} does not follow from quote {quote!r}")
    return ValueCheck(True, normalized, f"{kind} {normalized!r} follows from the quote")
