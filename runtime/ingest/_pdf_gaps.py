"""Where a PDF page leaves a column gap in a line: the spaces PDFium gives for it, to be written wider.

PDFium writes one space wherever glyphs on a line stand apart, however far: a label and its value printed in
columns of their own (`Supplier` at the left margin, `Brightwater Energy Ltd` further right) read as
`Supplier Brightwater Energy Ltd`, as a sentence would, and several spaces the page prints in a row read as one.
A gap is a column gap when it is wider than :data:`GAP_FACTOR` times the median width of its line's glyphs;
the page's text then writes :data:`COLUMN_GAP` for its space, as a text file padded into columns prints it.
"""

from __future__ import annotations

import math
from statistics import median

from claimflow.runtime.ingest._pdf_order import CharBoxes, line_spans

__all__ = ["COLUMN_GAP", "GAP_FACTOR", "column_gaps"]

COLUMN_GAP = "  "
"""What a column gap's space is written as: two spaces, the least the label-driven extractor and the built-in rules
read as the end of a printed column (one space they read as a word's end). No more than two: a currency code
within two characters of a figure makes it an amount (`Steuerbetrag in EUR  0`)."""

GAP_FACTOR = 2.0
"""A gap wider than this many times the median width of its line's glyphs parts two columns.

A glyph of running text is about half an em wide and a word space a quarter to a third of one: a plain word
gap measures about half the median width. Justified text stretches its word spaces, on a loose line to about
one and a half times the median width (three normal spaces) and seldom further; a table's cells and a form's
label and value stand further apart, mostly four times it and more. Twice the median lies between the two.
The median, not the mean, so that a few wide capitals or digits do not set it; and the line's own, so that a
heading's large type and a footnote's small type are each measured against their own size.
"""

_SPACES = frozenset(" \u00a0\u2002\u2003\u2009\u202f")
"""The spaces within a line PDFium gives, its own (generated) ones and a page's; never a line break."""


def _extents(boxes: CharBoxes, rotation: int) -> tuple[list[float], list[float]]:
    """Each character's start and end along its line as the page reads, turned `rotation` degrees clockwise.

    A character with no box starts at infinity (see `CharBoxes`); `CharBoxes.box` turns a box the same way.
    """
    if rotation == 90:
        return list(boxes.bottoms), list(boxes.tops)
    if rotation == 180:
        return [-right for right in boxes.rights], [-left for left in boxes.lefts]
    if rotation == 270:
        return [-top for top in boxes.tops], [-bottom for bottom in boxes.bottoms]
    return list(boxes.lefts), list(boxes.rights)


def column_gaps(chars: str, boxes: CharBoxes, rotation: int) -> frozenset[int]:
    """The indices of the spaces that stand for a column gap: PDFium's text of a page, one character an index.

    A gap is the run of spaces between two glyphs a reader sees on one line; it counts where one space stands
    for it (PDFium's own, or the one it keeps of several) and the glyphs stand more than :data:`GAP_FACTOR`
    times the line's median glyph width apart. `boxes` are those of the visible characters (`_pdf_visible`),
    `rotation` the turn the text page was read under (`upright_textpage`).
    """
    if not any(char in _SPACES for char in chars):
        return frozenset()
    starts, ends = _extents(boxes, rotation)
    gaps: list[int] = []
    for first, last in line_spans(chars):
        singles = [
            index
            for index in range(first + 1, last - 1)
            if chars[index] in _SPACES and chars[index - 1] not in _SPACES and chars[index + 1] not in _SPACES
        ]
        # Where the space has a glyph that shows on each side: a hidden character has no box.
        apart = [
            (index, starts[index + 1] - ends[index - 1])
            for index in singles
            if starts[index + 1] != math.inf and starts[index - 1] != math.inf
        ]
        if not apart:
            continue
        widths = [
            ends[index] - starts[index]
            for index in range(first, last)
            if chars[index] not in _SPACES and starts[index] != math.inf
        ]
        wide = GAP_FACTOR * median(widths)
        gaps.extend(index for index, gap in apart if gap > wide)
    return frozenset(gaps)
