"""Normalisation of field values, and the check that a value is written in its quote.

Each field has a kind. A kind knows how to bring a claimed value into canonical form and where a
quote writes a canonical value as a whole token; a claim is accepted only when its canonical value
stands in the quote as one (see `tokens.py`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal, get_args

from claimflow.state.normalize.amounts import (
    CREDIT_MARKS,
    AmountMatch,
    CreditMarks,
    amount_readings,
    find_amounts,
    format_amount,
    parse_amount,
)
from claimflow.state.normalize.choices import BOOLEAN_CHOICES, Choices, choice_of
from claimflow.state.normalize.currency import ISO_4217, currency_mentions, currency_readings, is_currency_code
from claimflow.state.normalize.dates import DateMatch, date_readings, find_dates, parse_iso_date
from claimflow.state.normalize.durations import DurationMatch, duration_readings, find_durations, parse_duration
from claimflow.state.normalize.numbers import NumberMatch, find_numbers, format_number, parse_number
from claimflow.state.normalize.percentages import find_percentages, parse_percentage
from claimflow.state.normalize.text import collapse_space, compact, fold
from claimflow.state.normalize.tokens import Span, sign_apart, value_spans, wrapped_text_spans

ValueKind = Literal[
    "text", "identifier", "date", "amount", "currency", "duration", "percentage", "number", "enum", "boolean"
]  # fmt: skip
"""Kinds of a single value (a field, or a column of a table)."""

FieldKind = Literal[
    "text", "identifier", "date", "amount", "currency", "duration", "percentage", "number", "enum", "boolean",
    "table",
]  # fmt: skip
"""Kinds of a field: every value kind, and `table`, a repeating row of typed columns (line items)."""

VALUE_KINDS: tuple[ValueKind, ...] = get_args(ValueKind)
FIELD_KINDS: tuple[FieldKind, ...] = get_args(FieldKind)

__all__ = [
    "BOOLEAN_CHOICES",
    "CREDIT_MARKS",
    "FIELD_KINDS",
    "ISO_4217",
    "VALUE_KINDS",
    "AmountMatch",
    "Choices",
    "CreditMarks",
    "DateMatch",
    "DurationMatch",
    "FieldKind",
    "NumberMatch",
    "Span",
    "ValueCheck",
    "ValueKind",
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
    "find_numbers",
    "find_percentages",
    "fold",
    "format_amount",
    "format_number",
    "is_currency_code",
    "normalize_value",
    "not_canonical",
    "parse_amount",
    "parse_duration",
    "parse_number",
    "parse_iso_date",
    "parse_percentage",
    "value_spans",
    "with_article",
    "wrapped_text_spans",
]


@dataclass(frozen=True)
class ValueCheck:
    """The outcome of checking a value against its quote: where the quote writes it, if it does."""

    ok: bool
    normalized: str | None
    reason: str
    spans: tuple[Span, ...] = ()
    """Offsets (within the quote) of every whole token that writes the value."""
    doubt: str | None = None
    """Why a value the quote writes is still in doubt (a number that reads two ways: `proof.AsWritten`)."""


def _date(value: str) -> str | None:
    if parsed := parse_iso_date(value):
        return parsed.isoformat()
    matches = find_dates(value)
    if len(matches) != 1 or len(matches[0].readings) != 1:
        return None
    return matches[0].readings[0]


def _amount(value: str) -> str | None:
    amount = parse_amount(value)
    return format_amount(amount) if amount is not None else None


def _currency(value: str) -> str | None:
    code = value.upper()
    if is_currency_code(code):
        return code
    readings = currency_readings(value)
    return next(iter(readings)) if len(readings) == 1 else None


def _number(value: str) -> str | None:
    number = parse_number(value)
    return format_number(number) if number is not None else None


_READERS: dict[str, Callable[[str], str | None]] = {
    "date": _date, "amount": _amount, "currency": _currency, "duration": parse_duration,
    "percentage": parse_percentage, "number": _number,
}  # fmt: skip
"""The canonical form of a value of each kind that is read by its form alone (not text, nor a vocabulary)."""


def normalize_value(kind: ValueKind, value: str, choices: Choices | None = None) -> str | None:
    """Return the canonical form of `value` for `kind`, or None when it cannot be read as one.

    `choices` are the declared values of an enum field (canonical value -> printed forms).
    """
    value = value.strip()
    if not value:
        return None
    if kind == "text":
        return collapse_space(value)
    if kind == "identifier":
        return collapse_space(value) if compact(value) else None
    if kind == "enum":
        return choice_of(value, choices or {})
    if kind == "boolean":
        return choice_of(value, BOOLEAN_CHOICES)
    read = _READERS.get(kind)
    if read is None:
        raise AssertionError(f"unhandled field kind {kind!r}")
    return read(value)


def with_article(kind: str) -> str:
    """The kind with its article ("an amount", "a date"), for messages people read."""
    return ("an " if kind[0] in "aeiou" else "a ") + kind


_PLAIN_DECIMAL = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
"""An amount or number written as canonical ones are: ASCII digits, a dot before the decimals, no grouping."""
_CANONICAL = {
    "date": "'2024-03-14'", "amount": "'12.50'", "percentage": "'19.5'", "number": "'14.5'", "currency": "'EUR'",
    "duration": "'2 years'", "boolean": "'true' or 'false'",
}  # fmt: skip
"""An example of each typed kind's canonical text, for messages."""


def example_of(kind: str) -> str | None:
    """An example of `kind`'s canonical text, quoted (`'2024-03-14'`), for a message; None for a kind of no form."""
    return _CANONICAL.get(kind)


def not_canonical(kind: ValueKind, value: str, choices: Choices | None = None) -> str | None:
    """Why a rule would misread `value` as a `kind`, with the canonical text to give; None when it reads it right.

    Rules read the canonical text apply stores (`2024-03-14`, `12.50`, `true`, an enum's value): text in another
    form reads as no value (a date `01.05.2024`, an amount `lots`) or as another one (a boolean `yes` as false).
    Text and identifiers are read as they are, and an amount or a number written as canonical ones are, a plain
    decimal with a dot, as the number it writes (`12.5` is the amount 12.50, `14.50` the number 14.5). One as a page
    prints it (`1.234,56`, `1,234.56`, a number's unit: `14.5 kg`) is refused with its canonical text (`1234.56`,
    `14.5`), as a date is: no stored value is so written, and `1,234` or `12.345` reads as a thousand and more,
    where a test may mean one and a bit.
    """
    if kind in ("text", "identifier"):
        return None
    canonical = normalize_value(kind, value, choices)
    if canonical == value or (
        kind in ("amount", "number")
        and canonical is not None
        and _PLAIN_DECIMAL.fullmatch(value)
        and Decimal(value) == Decimal(canonical)
    ):
        return None
    if canonical is not None:
        return f"{value!r} is not how rules read {with_article(kind)}; give its canonical text {canonical!r}"
    form = f"one of: {', '.join(choices or {})}" if kind == "enum" else f"canonical text such as {_CANONICAL[kind]}"
    return f"{value!r} cannot be read as {with_article(kind)}; give {form}"


def check_value(
    kind: ValueKind, value: str, quote: str, choices: Choices | None = None, *, marks: CreditMarks = "accounting"
) -> ValueCheck:
    """Check that `value` can be read as `kind` and that `quote` writes it as a whole token.

    `marks`: what `CR` and `DR` after an amount in the quote say, as the document's type declares
    (`CreditMarks`); accounting's reading unless told.
    """
    normalized = normalize_value(kind, value, choices)
    if normalized is None:
        allowed = f" (one of: {', '.join(choices)})" if kind == "enum" and choices else ""
        return ValueCheck(False, None, f"value {value!r} cannot be read as {with_article(kind)}{allowed}")
    spans = value_spans(kind, normalized, quote, choices, marks=marks)
    if not spans:
        why = f"value {normalized!r} is not written as a whole {kind} in quote {quote!r}"
        if kind == "identifier" and (printed := sign_apart(normalized, quote)) is not None:
            why += f": the quote writes it {printed!r}, and a sign before an identifier's figures is part of it"
        return ValueCheck(False, normalized, why)
    return ValueCheck(True, normalized, f"{kind} {normalized!r} is written in the quote", tuple(spans))
