"""Contract fields: parties, effective date, governing law and term.

Parties, dates and terms have modules of their own; this one reads the governing law.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from claimflow.runtime.backends.rules._claims import Finding
from claimflow.runtime.backends.rules._effective import effective_date
from claimflow.runtime.backends.rules._lines import Span
from claimflow.runtime.backends.rules._parties import parties
from claimflow.runtime.backends.rules._places import JURISDICTIONS
from claimflow.runtime.backends.rules._term import term

__all__ = ["effective_date", "jurisdiction", "parties", "term"]

_PLACE = r"(?P<place>[A-Z][A-Za-z]+(?:\s+[A-Z][A-Za-z]+){0,2})"
_OF_PLACE = r"\b(?i:laws?\s+of\s+(?:the\s+)?(?:(?:state|commonwealth|province)\s+of\s+)?)" + _PLACE
_GOVERNED = re.compile(r"\b(?i:govern(?:ed|s)?|constru(?:ed|e)|interpreted|enforced)\b[^.]{0,160}?" + _OF_PLACE)
# "This Agreement shall be governed by Kansas law"
_GOVERNED_BY_PLACE_LAW = re.compile(
    r"\b(?i:govern(?:ed|s)?\s+(?:exclusively\s+|solely\s+)?by\s+(?:and\s+construed\s+(?:in\s+accordance\s+with|under)"
    r"\s+)?(?:the\s+)?(?:internal\s+|substantive\s+|domestic\s+)*)" + _PLACE + r"\s+(?i:laws?)\b"
)
_LAWS_OF = re.compile(_OF_PLACE)
# "a corporation organized and existing under the laws of ..." describes a party, not the governing law.
_ORGANIZED = re.compile(r"\b(?:organi[sz]ed|incorporated|existing|formed|chartered|registered)\b", re.I)


def _known_place(words: list[str]) -> str | None:
    # Take the longest known place the words start with ("New York", not "New York without").
    for size in range(len(words), 0, -1):
        place = " ".join(words[:size])
        if place.casefold() in JURISDICTIONS:
            return place
    return None


def jurisdiction(pages: Sequence[str]) -> Finding | None:
    """The state or country whose law governs the agreement."""
    rules = ((_GOVERNED, 0.9), (_GOVERNED_BY_PLACE_LAW, 0.9), (_LAWS_OF, 0.55))
    for pattern, confidence in rules:
        for number, page in enumerate(pages, start=1):
            for m in pattern.finditer(page):
                place = _known_place(m["place"].split())
                strong = confidence >= 0.8
                if place is None or (strong and _ORGANIZED.search(page, max(0, m.start() - 60), m.start("place"))):
                    continue
                start = max(m.start(), m.start("place") - 60)
                while start > m.start() and not page[start - 1].isspace():
                    start -= 1  # quote whole words
                end = max(m.end(), m.start("place") + len(place)) if pattern is _GOVERNED_BY_PLACE_LAW else None
                return Finding(
                    "jurisdiction", place, confidence, Span(number, start, end or m.start("place") + len(place))
                )
    return None
