"""Where a contract states its own facts: the opening clause and the signature blocks."""

from __future__ import annotations

import re
from collections.abc import Sequence

OPENING_CHARS = 4000
"""How much of the start of a contract counts as its opening (title, preamble, parties)."""

_SENTENCE_END = re.compile(r"(?<=[a-z0-9)”\"])[.;:](?=\s+[A-Z“\"(])|\n[ \t]*\n")
_BY_LINE = re.compile(r"^[ \t]*by\b[ \t]*(?::|_|/s/|$|[ \t]{2,}|[ \t]+[A-Z/])", re.IGNORECASE | re.MULTILINE)


def opening(pages: Sequence[str], limit: int = OPENING_CHARS) -> list[tuple[int, str]]:
    """The first `limit` characters of the document as (page number, page text cut short) pairs.

    A filing header or cover on a page of its own uses up little of the budget, so the preamble on
    the next page still counts as the opening.
    """
    out: list[tuple[int, str]] = []
    left = limit
    for number, text in enumerate(pages, start=1):
        if left <= 0:
            break
        out.append((number, text[:left]))
        left -= len(text.strip())
    return out


def sentence_start(text: str, at: int, reach: int = 400) -> int:
    """The offset where the sentence holding `text[at]` starts (looking back at most `reach` characters)."""
    start = max(0, at - reach)
    for m in _SENTENCE_END.finditer(text, start, at):
        start = m.end()
    return start


def signature_lines(page: str) -> list[int]:
    """Offsets of the "By:" lines of the signature blocks on a page."""
    return [m.start() for m in _BY_LINE.finditer(page)]
