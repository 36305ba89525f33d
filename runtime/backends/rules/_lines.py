"""Page text as lines with exact offsets, and evidence cut from those offsets.

Every rule works on `Line`s so that whatever it finds can be quoted with the page number and
the character offsets the apply step will check.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from claimflow.state.evidence import ClaimedEvidence
from claimflow.state.lengths import MAX_QUOTE_CHARS
from claimflow.state.normalize import collapse_space


@dataclass(frozen=True)
class Line:
    """One line of one page: `text == pages[page - 1][start:end]`."""

    page: int
    start: int
    end: int
    text: str
    index: int
    """Position of the line in the document's line list."""


@dataclass(frozen=True)
class Span:
    """A stretch of one page: what a claim will quote."""

    page: int
    start: int
    end: int


def split_lines(pages: Sequence[str]) -> list[Line]:
    """Split every page into lines, keeping offsets into the page string."""
    return list(_lines_of(tuple(pages)))


@lru_cache(maxsize=8)
def _lines_of(pages: tuple[str, ...]) -> tuple[Line, ...]:
    # Remembered for a few documents: the classifier and then the extractor split the same pages.
    lines: list[Line] = []
    for number, text in enumerate(pages, start=1):
        at = 0
        for raw in text.split("\n"):
            if raw.strip():  # keep real lines, skip blank ones
                lead = len(raw) - len(raw.lstrip())
                trail = len(raw.rstrip())
                lines.append(Line(number, at + lead, at + trail, raw[lead:trail], len(lines)))
            at += len(raw) + 1
    return tuple(lines)


def span_of(line: Line, start: int, end: int) -> Span:
    """A span for `line.text[start:end]`."""
    return Span(line.page, line.start + start, line.start + end)


def join_spans(first: Span, last: Span) -> Span:
    """The span from the start of `first` to the end of `last` (same page)."""
    return Span(first.page, min(first.start, last.start), max(first.end, last.end))


def evidence(pages: Sequence[str], span: Span) -> ClaimedEvidence | None:
    """Cut the quote for `span` from the page, trimmed of outer white space; None if none fits in a claim."""
    text = pages[span.page - 1]
    start, end = span.start, span.end
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start >= end or end - start > MAX_QUOTE_CHARS:  # no claim may carry a longer quote
        return None
    return ClaimedEvidence(quote=text[start:end], page=span.page, start=start, end=end)


def quote_text(pages: Sequence[str], span: Span) -> str:
    """The text of a span with white space collapsed (the form text values are given in)."""
    return collapse_space(pages[span.page - 1][span.start : span.end])
