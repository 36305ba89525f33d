"""Finding personal data in a page: one detector per kind, and one choice among overlapping finds.

Each detector scans the page once with patterns whose every repeat is bounded, and checks each find in
time proportional to its length, so a page costs time linear in its length.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator

from claimflow.state._masking import cards, emails, ibans, national_ids, phones
from claimflow.state._masking.text import fold

Span = tuple[int, int, str]
"""Start, end and kind (EMAIL, IBAN, CARD, PHONE, NATIONAL_ID, or a user's pattern name)."""

BUILT_IN: tuple[tuple[str, Callable[[str], Iterator[tuple[int, int]]]], ...] = (
    ("EMAIL", emails.find),
    ("IBAN", ibans.find),
    ("CARD", cards.find),
    ("PHONE", phones.find),
    # Last: a number behind a phone label that also has an SSN's shape ("Tel 123-45-6789") stays a phone number.
    ("NATIONAL_ID", national_ids.find),
)
"""The built-in kinds; on finds of equal place and length, the earlier kind wins."""


_COLUMN_GAP = re.compile(r"(?<=\S)  (?=\S)")
"""Two spaces between two characters: how a PDF page's text writes a wide gap on a line (`_pdf_gaps`)."""


def _gaps_narrowed(text: str) -> tuple[str, list[int]] | None:
    """`text` with each column gap written as one space, and where each of its characters is in `text`.

    None when `text` has no column gap.
    """
    # One pass over the gaps, each losing its first space: no look at every character (a 110 KB page took 35 ms so).
    pieces: list[str] = []
    origin: list[int] = []
    kept_from = 0
    for gap in _COLUMN_GAP.finditer(text):
        pieces.append(text[kept_from : gap.start()])
        origin.extend(range(kept_from, gap.start()))
        kept_from = gap.start() + 1
    if not pieces:
        return None
    pieces.append(text[kept_from:])
    origin.extend(range(kept_from, len(text)))
    return "".join(pieces), origin


def built_in_finds(text: str) -> Iterator[Span]:
    """Every built-in find in `text`, overlapping ones included, whatever digits and widths it is printed in.

    A number whose groups a page prints far apart has a column gap between them where PDFium gave one space: it is
    looked for with each gap read as one space too, as a page without them would give it.
    """
    folded = fold(text)
    narrowed = _gaps_narrowed(folded)
    for kind, find in BUILT_IN:
        for start, end in find(folded):
            yield start, end, kind
        if narrowed is not None:
            view, origin = narrowed
            for start, end in find(view):
                yield origin[start], origin[end - 1] + 1, kind


def choose(finds: Iterable[Span], rank: dict[str, int]) -> list[Span]:
    """Non-overlapping finds in order: of overlapping ones, the one starting first, then the longest."""
    chosen: list[Span] = []
    covered = 0
    for start, end, kind in sorted(finds, key=lambda f: (f[0], -f[1], rank.get(f[2], len(rank)))):
        if start >= covered:
            chosen.append((start, end, kind))
            covered = end
    return chosen
