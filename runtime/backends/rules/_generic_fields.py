"""Field values read beside or below each of their labels, with a confidence that says how they were found.

For every label of a value field printed in the text, the value is read
1. on the same line, after the label (`PO Number: 4500012345`, `Order Date<TAB>12.03.2024`);
2. else, when the label stands alone in its column, from the next line, under the label: the next
   non-empty line for a label alone on its line (`Supplier:` above `Müller GmbH`), the line right
   below for a row of column headings (`Order Date      Delivery Date` above two dates).
Only a field's own labels are followed, never its counter-labels (`Ship to` is not the supplier).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

from claimflow.runtime.backends.rules._generic_values import (
    SEPARATORS,
    Chunk,
    Reading,
    chunks,
    indent,
    read_values,
)
from claimflow.runtime.backends.rules._lines import Line, Span, span_of
from claimflow.runtime.backends.rules._values import DateOrder
from claimflow.state.labels import COLUMN_SLACK, LabelHit
from claimflow.state.schema import DocumentType, Field

SAME_LINE = 0.85
"""The label and one unambiguous value on one line: enough to accept at the default bar of 0.8."""
NEXT_LINE = 0.7
"""A label alone on its line and the value on the line below."""
AFTER_BLANK = 0.6
"""A label alone on its line and the value after a blank line."""
HEADER_ROW = 0.65
"""A row of column headings and the value aligned under one of them."""
DOUBT = 0.25
"""Taken off when the reading allows another: several values, a date the document does not settle."""
QUALIFIED = 0.2
"""Taken off when a word qualifies the label (`Sub Total` for `Total`): perhaps another figure."""
MAX_QUOTE = 240
"""Longer stretches are quoted from the label to the value, not as whole lines."""


@dataclass(frozen=True)
class Read:
    """A value read for a field: the quote that shows it and where the value itself stands."""

    field: str
    value: str
    confidence: float
    quote: Span
    at: Span


@dataclass
class _Text:
    """The document's lines with their label hits and printed columns, each computed once."""

    doc_type: DocumentType
    pages: Sequence[str]
    lines: Sequence[Line]
    order: DateOrder | None
    _columns: dict[int, tuple[list[Chunk], list[int]]] = field(default_factory=dict)

    @cached_property
    def hits(self) -> list[list[LabelHit]]:
        """Every label on each line (offsets within the line's text), in order; hits never overlap."""
        return [self.doc_type.labels.find(line.text) for line in self.lines]

    @cached_property
    def hit_starts(self) -> list[list[int]]:
        """Where each label on each line starts."""
        return [[hit.start for hit in hits] for hits in self.hits]

    def chunks(self, index: int) -> tuple[list[Chunk], list[int]]:
        """The printed columns of a line, and the offset each starts at."""
        if index not in self._columns:
            found = chunks(self.lines[index].text)
            self._columns[index] = found, [chunk.start for chunk in found]
        return self._columns[index]

    def chunk_at(self, index: int, offset: int) -> Chunk | None:
        """The chunk of a line that holds `offset`."""
        found, starts = self.chunks(index)
        at = bisect_right(starts, offset) - 1
        return found[at] if at >= 0 and offset < found[at].end else None

    def column(self, index: int, offset: int) -> int:
        """The column (characters from the start of the page's line) of an offset in a line's text."""
        return indent(self.pages, self.lines[index]) + offset

    def below(self, index: int) -> Line | None:
        """The next non-empty line on the same page."""
        if index + 1 >= len(self.lines) or self.lines[index + 1].page != self.lines[index].page:
            return None
        return self.lines[index + 1]

    def blank_before(self, index: int) -> bool:
        """True when a blank line stands between this line and the one before it."""
        line, previous = self.lines[index], self.lines[index - 1]
        return self.pages[line.page - 1].count("\n", previous.end, line.start) >= 2

    def aligned(self, index: int, column: int) -> Chunk | None:
        """The chunk of a line that starts under `column` (within the slack labels allow), unless it holds a label."""
        found, starts = self.chunks(index)
        at = bisect_left(starts, column - COLUMN_SLACK - indent(self.pages, self.lines[index]))
        if at == len(found) or self.column(index, starts[at]) > column + COLUMN_SLACK:
            return None
        chunk, hits = found[at], self.hits[index]
        # Hits never overlap, so only the last one starting before the chunk's end may reach into it.
        before = bisect_right(self.hit_starts[index], chunk.end - 1)
        if before and hits[before - 1].end > chunk.start:
            return None
        return chunk


def _own_fields(doc_type: DocumentType, hit: LabelHit) -> list[Field]:
    specs = [doc_type.field(owner.field) for owner in hit.owners if not owner.counter]
    return [spec for spec in specs if spec is not None and not spec.is_table]


def _qualified(text: str, start: int) -> bool:
    """A word right before the label qualifies it: "Sub Total", "Net-Total", "Delivery Date"."""
    return start >= 2 and text[start - 1] in " -" and text[start - 2].isalpha()


def _quote(first: Line, last: Line, hit_start: int, at: Span) -> Span:
    whole = Span(first.page, first.start, last.end)
    return whole if whole.end - whole.start <= MAX_QUOTE else Span(first.page, first.start + hit_start, at.end)


def _confidence(base: float, readings: Sequence[Reading], reading: Reading, spec: Field, qualified: bool) -> float:
    doubt = not reading.sure or (not spec.multiple and len(readings) > 1)
    return round(base - (DOUBT if doubt else 0.0) - (QUALIFIED if qualified else 0.0), 2)


def _same_line(text: _Text, spec: Field, index: int, k: int) -> list[Read]:
    line, hits = text.lines[index], text.hits[index]
    hit = hits[k]
    end = hits[k + 1].start if k + 1 < len(hits) else len(line.text)
    found = read_values(spec, line.text[hit.end : end], text.order, inline=True)
    if not found:
        return []
    qualified = _qualified(line.text, hit.start)
    chosen = found if spec.multiple else found[:1]
    out = []
    for reading in chosen:
        at = span_of(line, hit.end + reading.start, hit.end + reading.end)
        confidence = _confidence(SAME_LINE, found, reading, spec, qualified)
        out.append(Read(spec.name, reading.value, confidence, _quote(line, line, hit.start, at), at))
    return out


def _alone_in_chunk(text: _Text, index: int, k: int) -> tuple[bool, bool]:
    """Whether the label fills its chunk (but for punctuation), and whether that chunk is the whole line."""
    line, hit = text.lines[index], text.hits[index][k]
    chunk = text.chunk_at(index, hit.start)
    if chunk is None or chunk.start != hit.start or hit.end > chunk.end:
        return False, False
    rest = SEPARATORS.match(line.text, hit.end, chunk.end)
    return rest is not None and rest.end() == chunk.end, len(text.chunks(index)[0]) == 1


def _below(text: _Text, spec: Field, index: int, k: int) -> list[Read]:
    line, hit = text.lines[index], text.hits[index][k]
    alone, whole_line = _alone_in_chunk(text, index, k)
    below = text.below(index)
    if not alone or below is None:
        return []
    blank = text.blank_before(index + 1)
    if blank and not whole_line:
        return []  # a row of headings is followed by its values at once
    chunk = text.aligned(index + 1, text.column(index, hit.start))
    if chunk is None:
        return []
    found = read_values(spec, chunk.text, text.order, inline=False)
    if not found:
        return []
    base = (AFTER_BLANK if blank else NEXT_LINE) if whole_line else HEADER_ROW
    out = []
    for reading in found if spec.multiple else found[:1]:
        at = span_of(below, chunk.start + reading.start, chunk.start + reading.end)
        confidence = _confidence(base, found, reading, spec, _qualified(line.text, hit.start))
        out.append(Read(spec.name, reading.value, confidence, _quote(line, below, hit.start, at), at))
    return out


def field_reads(doc_type: DocumentType, pages: Sequence[str], lines: Sequence[Line], order: DateOrder | None) -> list[Read]:
    """Every value read beside or below a label of a value field, in document order.

    Args:
        doc_type: The type whose fields' labels are followed.
        pages: Page texts, masked, in order.
        lines: The pages' lines (`split_lines(pages)`).
        order: Whether the document writes numeric dates day-first or month-first, if it shows.

    Returns:
        One read per value found at each label occurrence (several for a field of several values);
        the caller checks each against the evidence rules and settles disagreements.
    """
    text = _Text(doc_type, pages, lines, order)
    reads: list[Read] = []
    for index in range(len(lines)):
        for k, hit in enumerate(text.hits[index]):
            for spec in _own_fields(doc_type, hit):
                reads += _same_line(text, spec, index, k) or _below(text, spec, index, k)
    return reads
