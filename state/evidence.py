"""Evidence: where in the source a claimed value is written, checked by code.

A claim states a quote and may state where it is. Code finds the quote in the stored page text
(white space may differ, nothing else), whole: where it begins and ends, the page's words do too
(`word_edges`). It stores the exact page and offsets it found. A stated page or offset that disagrees
with where the quote is rejects the claim.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from claimflow.state.documents import SourceText
from claimflow.state.lengths import ClaimedQuote
from claimflow.state.word_edges import cut_word


class ClaimedEvidence(BaseModel):
    """Evidence as a model states it: a verbatim quote and, optionally, its location."""

    model_config = ConfigDict(frozen=True, use_attribute_docstrings=True)

    quote: ClaimedQuote = Field(min_length=1)
    """Text copied verbatim from the document that shows the value."""
    page: int | None = Field(default=None, ge=1)
    """1-based page the quote is on, if known."""
    start: int | None = Field(default=None, ge=0)
    """Character offset of the quote within its page, if known."""
    end: int | None = Field(default=None, ge=0)
    """Character offset just after the quote within its page, if known."""


class Evidence(BaseModel):
    """Evidence located by code: the quote is exactly `page_text[start:end]`."""

    model_config = ConfigDict(frozen=True)

    page: int = Field(ge=1)
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    quote: str


@dataclass(frozen=True)
class Located:
    """The result of looking for a claimed quote."""

    evidence: Evidence | None
    reason: str


def _pattern(quote: str, ignore_case: bool) -> re.Pattern[str]:
    # White space in a quote matches any run of white space in the page: models re-flow lines.
    parts = [re.escape(part) for part in quote.split()]
    return re.compile(r"\s+".join(parts), re.IGNORECASE if ignore_case else 0)


def quote_matches(page_text: str, quote: str, ignore_case: bool = False) -> list[tuple[int, int]]:
    """Every (start, end) where `quote` stands in `page_text`, any run of white space matching any other.

    The matches do not overlap, leftmost first. Ignoring case goes through a regular expression, whose
    case folding keeps offsets right where lower-casing could change a text's length.
    """
    parts = quote.split()
    if ignore_case or not parts:
        return [(m.start(), m.end()) for m in _pattern(quote, ignore_case).finditer(page_text)]
    return _literal_matches(page_text, parts)


def _literal_matches(page_text: str, parts: list[str]) -> list[tuple[int, int]]:
    """`quote_matches` for a quote's words, case kept, without compiling a pattern.

    Every quote is a new pattern, and compiling one took some 40 us where this scan takes 2, with twenty-odd
    quotes checked for a receipt. A word never starts with white space, so the run of white space before it
    is all there is to skip, which is exactly what the pattern (word, run of white space, word) matches.
    """
    first, rest = parts[0], parts[1:]
    matches: list[tuple[int, int]] = []
    position = 0
    while (start := page_text.find(first, position)) >= 0:
        end = _rest_of_quote(page_text, start + len(first), rest)
        if end is None:
            position = start + 1
            continue
        matches.append((start, end))
        position = end
    return matches


def _rest_of_quote(page_text: str, at: int, words: list[str]) -> int | None:
    """Where `words` end if each stands after a run of white space from `at` on, else None."""
    for word in words:
        skipped = at
        while skipped < len(page_text) and page_text[skipped].isspace():
            skipped += 1
        if skipped == at or not page_text.startswith(word, skipped):
            return None
        at = skipped + len(word)
    return at


def locate(claimed: ClaimedEvidence, source: SourceText) -> Located:
    """Find a claimed quote in the source and check any location the claim states."""
    if not claimed.quote.split():
        return Located(None, "quote is empty")
    if claimed.page is not None and claimed.page > len(source.pages):
        return Located(None, f"stated page {claimed.page} does not exist (document has {len(source.pages)})")
    hits = [
        (number, start, end)
        for number, text in enumerate(source.pages, start=1)
        for start, end in quote_matches(text, claimed.quote)
    ]
    if not hits:
        return Located(None, f"quote {claimed.quote!r} is not in the document")
    cuts = [cut_word(source.page(number), start, end) for number, start, end in hits]
    whole = [hit for hit, cut in zip(hits, cuts, strict=True) if cut is None]
    if not whole:
        return Located(
            None, f"quote {claimed.quote!r} is only part of {cuts[0]!r} on page {hits[0][0]}: quote whole words"
        )
    hits = whole
    if claimed.page is not None:
        on_page = [hit for hit in hits if hit[0] == claimed.page]
        if not on_page:
            pages = sorted({hit[0] for hit in hits})
            return Located(None, f"quote is on page(s) {pages}, not on stated page {claimed.page}")
        hits = on_page
    if claimed.start is not None or claimed.end is not None:
        at = [hit for hit in hits if claimed.start in (None, hit[1]) and claimed.end in (None, hit[2])]
        if not at:
            found = ", ".join(f"page {p} [{s}:{e}]" for p, s, e in hits[:3])
            return Located(
                None,
                f"stated offsets [{claimed.start}:{claimed.end}] disagree with where the quote is ({found})",
            )
        hits = at
    page, start, end = hits[0]
    exact = source.page(page)[start:end]
    return Located(Evidence(page=page, start=start, end=end, quote=exact), f"quote found on page {page} at {start}")


def find_value_evidence(text: str, source: SourceText, *, ignore_case: bool = False) -> Evidence | None:
    """Locate a literal value (e.g. a reviewer's edit) in the source, if it is written there."""
    if not text.split():
        return None
    for number, page_text in enumerate(source.pages, start=1):
        for start, end in quote_matches(page_text, text, ignore_case):
            return Evidence(page=number, start=start, end=end, quote=page_text[start:end])
    return None
