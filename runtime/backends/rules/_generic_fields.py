"""Field values read beside or below each of their labels, with a confidence that says how they were found.

For every label of a value field printed in the text, the value is read
1. on the same line, after the label (`PO Number: 4500012345`, `Order Date<TAB>12.03.2024`);
2. else, when the label stands alone in its column, from the next line, under the label: the next
   non-empty line for a label alone on its line (`Supplier:` above `Müller GmbH`), the line right
   below for a row of column headings (`Order Date      Delivery Date` above two dates).
Only a field's own labels are followed, never its counter-labels (`Ship to` is not the supplier).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from claimflow.runtime.backends.rules._generic_layout import Layout
from claimflow.runtime.backends.rules._generic_values import SEPARATORS, Reading, read_values
from claimflow.runtime.backends.rules._lines import Line, Span, span_of
from claimflow.runtime.backends.rules._values import Writing
from claimflow.state.labels import LabelHit
from claimflow.state.normalize import fold
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

_WORD_BEFORE = re.compile(r"[^\W\d_]+[ -]$")


@dataclass(frozen=True)
class Read:
    """A value read for a field: the quote that shows it and where the value itself stands."""

    field: str
    value: str
    confidence: float
    quote: Span
    at: Span


def _own_fields(doc_type: DocumentType, hit: LabelHit) -> list[Field]:
    specs = [doc_type.field(owner.field) for owner in hit.owners if not owner.counter]
    return [spec for spec in specs if spec is not None and not spec.is_table]


def _qualified(layout: Layout, index: int, hit: LabelHit) -> bool:
    """True when a word right before the label qualifies it ("Sub Total", "Delivery Date").

    Not when together they make one of the type's titles ("Purchase Order No." for `Order No.`).
    """
    line = layout.lines[index].text
    word = _WORD_BEFORE.search(line, max(0, hit.start - 40), hit.start)
    if word is None:
        return False
    phrase = fold(line[word.start() : hit.end])
    return not any(title in phrase for title in layout.titles)


def _quote(first: Line, last: Line, hit_start: int, at: Span) -> Span:
    whole = Span(first.page, first.start, last.end)
    return whole if whole.end - whole.start <= MAX_QUOTE else Span(first.page, first.start + hit_start, at.end)


def _confidence(base: float, readings: Sequence[Reading], reading: Reading, spec: Field, qualified: bool) -> float:
    doubt = not reading.sure or (not spec.multiple and len(readings) > 1)
    return round(base - (DOUBT if doubt else 0.0) - (QUALIFIED if qualified else 0.0), 2)


def _same_line(layout: Layout, spec: Field, index: int, k: int) -> list[Read]:
    line, hits = layout.lines[index], layout.hits[index]
    hit = hits[k]
    end = hits[k + 1].start if k + 1 < len(hits) else len(line.text)
    found = read_values(spec, line.text[hit.end : end], layout.writing, inline=True)
    if not found:
        return []
    qualified = _qualified(layout, index, hit)
    chosen = found if spec.multiple else found[:1]
    out = []
    for reading in chosen:
        at = span_of(line, hit.end + reading.start, hit.end + reading.end)
        confidence = _confidence(SAME_LINE, found, reading, spec, qualified)
        out.append(Read(spec.name, reading.value, confidence, _quote(line, line, hit.start, at), at))
    return out


def _alone_in_chunk(layout: Layout, index: int, k: int) -> tuple[bool, bool]:
    """Whether the label fills its chunk (but for punctuation), and whether that chunk is the whole line."""
    line, hit = layout.lines[index], layout.hits[index][k]
    chunk = layout.chunk_at(index, hit.start)
    if chunk is None or chunk.start != hit.start or hit.end > chunk.end:
        return False, False
    rest = SEPARATORS.match(line.text, hit.end, chunk.end)
    return rest is not None and rest.end() == chunk.end, len(layout.chunks(index)[0]) == 1


def _below(layout: Layout, spec: Field, index: int, k: int) -> list[Read]:
    line, hit = layout.lines[index], layout.hits[index][k]
    alone, whole_line = _alone_in_chunk(layout, index, k)
    below = layout.below(index)
    if not alone or below is None:
        return []
    blank = layout.blank_before(index + 1)
    if not whole_line and (blank or layout.heads_table(index)):
        # A row of headings is followed by its values at once; a table's header by rows, not by one value.
        return []
    chunk = layout.aligned(index + 1, layout.column(index, hit.start))
    if chunk is None:
        return []
    found = read_values(spec, chunk.text, layout.writing, inline=False)
    if not found:
        return []
    base = (AFTER_BLANK if blank else NEXT_LINE) if whole_line else HEADER_ROW
    out = []
    for reading in found if spec.multiple else found[:1]:
        at = span_of(below, chunk.start + reading.start, chunk.start + reading.end)
        confidence = _confidence(base, found, reading, spec, _qualified(layout, index, hit))
        out.append(Read(spec.name, reading.value, confidence, _quote(line, below, hit.start, at), at))
    return out


def field_reads(
    doc_type: DocumentType,
    pages: Sequence[str],
    lines: Sequence[Line],
    writing: Writing,
    only: frozenset[str] | None = None,
) -> list[Read]:
    """Every value read beside or below a label of a value field, in document order.

    Args:
        doc_type: The type whose fields' labels are followed.
        pages: Page texts, masked, in order.
        lines: The pages' lines (`split_lines(pages)`).
        writing: How the document writes its values: numeric dates day-first or month-first, if it shows, and
            the type's CR and DR marks.
        only: The fields to read, for an extractor that reads the others its own way; None reads every one.

    Returns:
        One read per value found at each label occurrence (several for a field of several values);
        the caller checks each against the evidence rules and settles disagreements.
    """
    layout = Layout(doc_type, pages, lines, writing)
    reads: list[Read] = []
    for index in range(len(lines)):
        for k, hit in enumerate(layout.hits[index]):
            for spec in _own_fields(doc_type, hit):
                if only is None or spec.name in only:
                    reads += _same_line(layout, spec, index, k) or _below(layout, spec, index, k)
    return reads
