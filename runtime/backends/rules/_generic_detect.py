"""Offline classification cues for a declared type: a title near the top, and its fields' labels.

`_generic.py` scores them on the scale the built-in detectors share (`_classify.py`): a title is worth
3, each field whose label the text prints 1 (a table once, whichever of its labels shows), at most 6
from labels. `_rank.py` asks 3.5 and a lead of 1 over the runner-up: a title needs one label beside
it, and labels alone need four fields.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from claimflow.runtime.backends.rules._generic_rows import column_labels
from claimflow.runtime.backends.rules._lines import Line
from claimflow.state.labels import LabelIndex
from claimflow.state.schema import DocumentType, Field

TITLE_LINES = 30
"""A title stands near the top."""
TITLE_WORDS = 6
"""A title stands (nearly) alone on its line."""

# "Purchase Order No. 4711", "Bestellung Nr.", "Order Date:" name a field, not the document.
_LABEL_SUFFIX = re.compile(
    r"[^\S\n]*(?:no\b|nr\b|n°|nº|#|number\b|nummer\b|num\b|id\b|ref\b|date\b|datum\b|:)", re.IGNORECASE
)


@dataclass(frozen=True)
class Hit:
    """A title or a label on a line (offsets within the line's text)."""

    line: Line
    start: int
    end: int


def _title_pattern(titles: Sequence[str]) -> re.Pattern[str]:
    # Longest first, so "Purchase Order Confirmation" is found whole, not as "Purchase Order".
    ordered = sorted(titles, key=len, reverse=True)
    body = "|".join(r"[^\S\n]+".join(map(re.escape, title.split())) for title in ordered)
    return re.compile(r"(?<!\w)(?:" + body + r")(?!\w)", re.IGNORECASE)


def find_title(lines: Sequence[Line], titles: Sequence[str]) -> Hit | None:
    """The first of `titles` heading a line near the top that is not a label ("Purchase Order No.")."""
    pattern = _title_pattern(titles)
    for line in lines[:TITLE_LINES]:
        if len(line.text.split()) > TITLE_WORDS:
            continue
        for m in pattern.finditer(line.text):
            if not _LABEL_SUFFIX.match(line.text, m.end()):
                return Hit(line, m.start(), m.end())
    return None


@lru_cache(maxsize=64)
def _table_labels(table: Field) -> tuple[LabelIndex, ...]:
    """A table shows by its column labels, or by its own label ("Line Items") if it declares one."""
    return (column_labels(table), LabelIndex([table])) if table.labels else (column_labels(table),)


def label_hits(doc_type: DocumentType, lines: Sequence[Line]) -> list[Hit]:
    """The first printed label of each field (a table's columns count as one), in document order."""
    first: dict[str, Hit] = {}
    tables = [(table, index) for table in doc_type.table_fields for index in _table_labels(table)]
    for line in lines:
        for hit in doc_type.labels.find(line.text):
            for owner in hit.owners:
                if not owner.counter:
                    first.setdefault(owner.field, Hit(line, hit.start, hit.end))
        for table, index in tables:
            if table.name not in first and (found := index.find(line.text)):
                first[table.name] = Hit(line, found[0].start, found[0].end)
    return sorted(first.values(), key=lambda hit: (hit.line.index, hit.start))
