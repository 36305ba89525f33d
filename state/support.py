"""Find where in the source a normalised value is written, for values that arrive without a quote.

A reviewer types "2024-03-12"; the page says "12 March 2024". This finds that place so the
edited field still carries evidence when the source supports it.
"""

from __future__ import annotations

from collections.abc import Iterator

from claimflow.state.documents import SourceText
from claimflow.state.evidence import Evidence, find_value_evidence
from claimflow.state.normalize import (
    FieldKind,
    compact,
    currency_mentions,
    find_amounts,
    find_dates,
    find_durations,
    parse_amount,
)


def _spans(kind: FieldKind, normalized: str, text: str) -> Iterator[tuple[int, int]]:
    if kind == "date":
        yield from ((m.start, m.end) for m in find_dates(text) if normalized in m.readings)
    elif kind == "amount":
        amount = parse_amount(normalized)
        yield from ((m.start, m.end) for m in find_amounts(text) if m.value == amount)
    elif kind == "currency":
        yield from ((start, end) for code, start, end in currency_mentions(text) if code == normalized)
    elif kind == "duration":
        yield from ((m.start, m.end) for m in find_durations(text) if m.canonical == normalized)


def _compact_match(target: str, source: SourceText) -> Evidence | None:
    """The first place whose letters and digits, case-folded, are exactly `target`."""
    if not target:
        return None
    for number, page in enumerate(source.pages, start=1):
        # The page's letters and digits, with where each one stands, so a match maps back to offsets.
        # Case folding may lengthen a character ("ß" -> "ss"): each folded character keeps its source index.
        kept = [(index, folded) for index, char in enumerate(page) if char.isalnum() for folded in char.casefold()]
        found = "".join(char for _, char in kept).find(target)
        if found >= 0:
            start, end = kept[found][0], kept[found + len(target) - 1][0] + 1
            return Evidence(page=number, start=start, end=end, quote=page[start:end])
    return None


def find_supporting_evidence(kind: FieldKind, normalized: str, source: SourceText) -> Evidence | None:
    """Return the first place in the source that supports `normalized`, or None."""
    if kind in ("text", "identifier"):
        found = find_value_evidence(normalized, source, ignore_case=kind == "text")
        if found is not None or kind == "text":
            return found
        # Identifiers print with spaces and dashes ("DE 89 3704"): compare letters and digits only.
        return _compact_match(compact(normalized), source)
    for number, page in enumerate(source.pages, start=1):
        for start, end in _spans(kind, normalized, page):
            return Evidence(page=number, start=start, end=end, quote=page[start:end])
    return None
