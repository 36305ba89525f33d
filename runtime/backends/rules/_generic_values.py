"""Reading a value of a declared kind where a label leads to it: the eyes of the label-driven extractor.

A value stands at the start of the text after its label (only separators, and before an amount a
currency, even a `$` that names no single one, may come first) and runs to the next column gap.
Every kind is read with the finders the evidence check uses, so a value read here is written in its
quote as a whole token. The text looked at is bounded, so a huge line costs no more than a short one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from claimflow.runtime.backends.rules._generic_currency import currency_after, minus_before
from claimflow.runtime.backends.rules._lines import Line
from claimflow.runtime.backends.rules._values import (
    Writing,
    dates_in,
    identifier_after,
    money_in,
    yearless_dates_in,
)
from claimflow.state.normalize import (
    BOOLEAN_CHOICES,
    VALUE_KINDS,
    Choices,
    NumberMatch,
    ValueKind,
    collapse_space,
    currency_mentions,
    find_durations,
    find_numbers,
    find_percentages,
    format_amount,
    format_number,
    normalize_value,
)
from claimflow.state.normalize.choices import choice_spans

SEPARATORS = re.compile(r"(?:[\s:#=.°º*>|]|[-–—](?!\d))*")
"""What may stand between a label and its value: punctuation and white space, never a minus sign."""
COLUMN_GAP = re.compile(r"\t|[ \u00a0]{2,}")
"""Where a printed column ends: a tab or a run of spaces."""
MAX_LEAD = 60
"""How far after its label a value may start (aligned key-value lists pad with spaces)."""
MAX_VALUE = 160
"""How much text after the start is looked at for a value: a labelled value is short."""

LETTER = re.compile(r"[^\W\d_]")
"""A letter of any script: text values hold at least one."""
_WORD = re.compile(r"\S+")
_MASKED = re.compile(r"\[[A-Z][A-Z_]*_\d+\](?!\S)")
"""A placeholder the mask step wrote for a value (`[IBAN_1]`, `[EMPLOYEE_ID_2]`), standing alone."""
_SUB_LABEL = re.compile(r"[^\W\d_][\w.'-]*(?:[ \t]+[^\W\d_][\w.'-]*){0,2}[ \t]*:(?!\d)")


class Typed(Protocol):
    """A field or a table column, as far as reading its values goes."""

    @property
    def kind(self) -> str:
        """The field's kind."""
        ...

    @property
    def choices(self) -> Choices:
        """The declared values of an enum."""
        ...


@dataclass(frozen=True)
class Reading:
    """A value read from a text: `text[start:end]` writes `value`, canonical for its kind."""

    start: int
    end: int
    value: str
    sure: bool
    """False when the writing allows another reading (a date the document does not settle, text after spaces)."""


@dataclass(frozen=True)
class Chunk:
    """A stretch of a line between column gaps; offsets are within the line's text."""

    start: int
    end: int
    text: str


def value_kind(spec: Typed) -> ValueKind | None:
    """The kind of a single value, or None for a table."""
    kind = spec.kind
    return kind if kind in VALUE_KINDS else None


def chunks(text: str) -> list[Chunk]:
    """The printed columns of a line: the stretches between tabs and runs of spaces."""
    out: list[Chunk] = []
    start = 0
    for gap in COLUMN_GAP.finditer(text):
        if gap.start() > start:
            out.append(Chunk(start, gap.start(), text[start : gap.start()]))
        start = gap.end()
    if start < len(text):
        out.append(Chunk(start, len(text), text[start:]))
    return out


def indent(pages: Sequence[str], line: Line) -> int:
    """The column the line's text starts at (the white space `split_lines` trimmed off its start)."""
    return line.start - (pages[line.page - 1].rfind("\n", 0, line.start) + 1)


def tokens(kind: ValueKind, choices: Choices, text: str, writing: Writing) -> list[Reading]:
    """Every value of `kind` written in `text`, by position; the longest first where several start together."""
    found: list[Reading]
    if kind == "date":
        # Only a date's label or column leads here: a date printed without its year (`12 Mar`) is read too.
        dated = dates_in(text, writing.order) + yearless_dates_in(text, writing.order, writing.dates)
        found = [Reading(d.start, d.end, d.iso, d.sure) for d in dated]
    elif kind == "amount":
        # An amount starts at the `(` or minus that makes it negative (`(612.40)`, `-£612.40`): left out, it would
        # start no value (a table cell `(612.40)` would not read) or end the text before it (`Card payment -`).
        found = [Reading(m.sign_start, m.end, format_amount(m.value), True) for m in money_in(text, writing.marks)]
    elif kind == "currency":
        found = [Reading(start, end, code, True) for code, start, end in currency_mentions(text)]
    elif kind == "duration":
        found = [Reading(m.start, m.end, m.canonical, True) for m in find_durations(text)]
    elif kind == "percentage":
        found = [
            Reading(m.start, m.end, value, True)
            for m in find_percentages(text)
            if (value := normalize_value("percentage", text[m.start : m.end])) is not None
        ]
    elif kind == "number":
        found = [_number(m, writing) for m in find_numbers(text)]
    elif kind in ("enum", "boolean"):
        vocabulary = choices if kind == "enum" else BOOLEAN_CHOICES
        found = [
            Reading(start, end, canonical, True)
            for canonical in vocabulary
            for start, end in choice_spans(canonical, text, vocabulary)
        ]
    elif kind == "identifier":
        found = [token for word in _WORD.finditer(text) if (token := _identifier(text, word.start()))]
    else:
        found = []
    return _outermost(sorted(found, key=lambda r: (r.start, -r.end)))


def _number(match: NumberMatch, writing: Writing) -> Reading:
    """A number, read as the document marks its decimals.

    `14.555` and `1,250` read two ways. Where the document's other figures show its decimal mark (`12.50`, or
    `12,50`), that decides; where they do not, the reading common for quantities is taken (`14.555` is 14.555,
    `1,250` is 1250), unsure: a field so read has its confidence lowered and goes to review. The evidence check
    accepts either reading, so a reviewer may set the other one.
    """
    value, sure = match.read_with(writing.decimals)
    return Reading(match.start, match.end, format_number(value), sure)


def _identifier(text: str, at: int) -> Reading | None:
    masked = _MASKED.match(text, at)
    if masked is not None:
        # The value was masked (`IBAN: [IBAN_1]`): claim its placeholder, which the extraction step unmasks.
        return Reading(masked.start(), masked.end(), masked.group(), True)
    span = identifier_after(text, at)
    if span is None:
        return None
    value = normalize_value("identifier", text[span[0] : span[1]])
    return Reading(span[0], span[1], value, True) if value else None


def _outermost(readings: list[Reading]) -> list[Reading]:
    """Drop readings inside a longer one ("1 234,50" is one amount here, not also 1 and 234.50)."""
    out: list[Reading] = []
    for reading in readings:
        if out and reading.end <= out[-1].end:
            continue
        out.append(reading)
    return out


def _skip(text: str, pos: int = 0) -> int:
    """The position after the separators at `pos`."""
    found = SEPARATORS.match(text, pos)
    return found.end() if found else pos


def _lead(text: str, kind: ValueKind) -> int:
    """Where the value may start: after separators, and for an amount after a currency ("EUR 1.234,50", "$849.60").

    A minus that is the amount's sign (`-£612.40`, `: - £612.40`) the separators must not swallow; one the amount's
    reading leaves out (`Total - £612.40`, a separator) they do.
    """
    pos = _skip(text)
    if kind != "amount":
        return pos
    signed = next((m.sign_start for m in money_in(text[: pos + MAX_VALUE]) if m.sign_start < pos <= m.start), None)
    if signed is not None:
        return signed
    if currency_after(text, pos) > pos:
        if minus_before(text, pos):
            return pos - 1
        pos = _skip(text, currency_after(text, pos))
    return pos


def _text(text: str, *, inline: bool) -> list[Reading]:
    start = _skip(text)
    lead = text[:start]
    # After a label on its line, a colon or a tab says "value follows" (a run of spaces, less surely);
    # a single space is prose ("The Supplier shall deliver").
    marked = ":" in lead or "\t" in lead
    if start > MAX_LEAD or (inline and not marked and "  " not in lead):
        return []
    if not inline and _SUB_LABEL.match(text, start):
        return []  # "Name: Bergmann GmbH" under "Seller": a value of another label, not this one's
    gap = COLUMN_GAP.search(text, start, start + MAX_VALUE + 2)
    end = gap.start() if gap else len(text)
    if end - start > MAX_VALUE or not LETTER.search(text, start, end):
        return []  # no column gap in sight: prose, not a labelled value
    return [Reading(start, end, collapse_space(text[start:end]), marked or not inline)]


def read_values(spec: Typed, text: str, writing: Writing, *, inline: bool) -> list[Reading]:
    """The values of `spec`'s kind at the start of `text`, up to the next column gap.

    Args:
        spec: The field or column whose kind is read.
        text: What follows the label on its line (`inline`), or a chunk of the line below it.
        writing: How the document writes its values: numeric dates day-first or month-first, if known, and
            the type's CR and DR marks.
        inline: The text follows the label on its line; a text value then needs a colon, tab or spaces.

    Returns:
        Nothing when no value of the kind starts the text; else the first value, then any others
        before the next column gap (offsets within `text`). A text field reads one value.
    """
    kind = value_kind(spec)
    if kind is None:
        return []
    if kind == "text":
        return _text(text, inline=inline)
    start = _lead(text, kind)
    if start > MAX_LEAD or start >= len(text):
        return []
    gap = COLUMN_GAP.search(text, start, start + MAX_VALUE)
    end = gap.start() if gap else min(len(text), start + MAX_VALUE)
    if not gap and end < len(text):
        end = max(text.rfind(" ", start, end), start)  # never cut a token in half
    found = tokens(kind, spec.choices, text[start:end], writing)
    if not found or found[0].start != 0:
        return []
    return [Reading(r.start + start, r.end + start, r.value, r.sure) for r in found]
