"""Finding personal data in a page: one detector per kind, and one choice among overlapping finds.

Each detector scans the page once with patterns whose every repeat is bounded, and checks each find in
time proportional to its length, so a page costs time linear in its length.
"""

from __future__ import annotations

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


def built_in_finds(text: str) -> Iterator[Span]:
    """Every built-in find in `text`, overlapping ones included, whatever digits and widths it is printed in."""
    folded = fold(text)
    for kind, find in BUILT_IN:
        for start, end in find(folded):
            yield start, end, kind


def choose(finds: Iterable[Span], rank: dict[str, int]) -> list[Span]:
    """Non-overlapping finds in order: of overlapping ones, the one starting first, then the longest."""
    chosen: list[Span] = []
    covered = 0
    for start, end, kind in sorted(finds, key=lambda f: (f[0], -f[1], rank.get(f[2], len(rank)))):
        if start >= covered:
            chosen.append((start, end, kind))
            covered = end
    return chosen
