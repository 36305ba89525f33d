"""The order a PDF page's lines are read in: PDFium's, but for blocks drawn after the text they stand above.

PDFium gives a page's characters in the order the page draws them, and starts a line where the text moves to
another line. Most pages draw their text top to bottom; some draw a part last that stands at the top (a
viewer's header over every page, a letterhead put on after the body) or a part first that stands at the foot
(a footer of bank details drawn before the letter). Read in PDFium's order, a document's title, number or
sender comes after its last line, and its footer before its first, for whatever reads the text: a model, the
rules backend, a reviewer searching it.

The lines are taken in blocks: a block is a run of lines that follow each other down the page, a wide gap
down starting the next. A block that stands wholly above the blocks read just before it moves in front of
them, and no further. Nothing else moves: a second column (its top above the first column's foot) keeps its
place, and so does a superscript drawn after its paragraph (it stands inside the block it belongs to, not
above it). Lines are never cut or joined, so a page's text is PDFium's lines, some in another order.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Sequence
from typing import NamedTuple

__all__ = ["CharBoxes", "Extent", "SeenChars", "Span", "block_order", "line_spans", "reading_order"]

Span = tuple[int, int]
"""A line as a range of PDFium's character indices, its line break left out: start, and one past the end."""

Extent = tuple[float, float]
"""How far a line reaches down and up the page as read (text upright): its bottom and top, in points."""

_FAR_BELOW = 3.0
"""A line further below the line before it than this many line heights starts a block of its own: a gap that
wide parts what follows (a footer, the next part of a form) from what went before."""

_TOUCHING = 0.25
"""The share of a line's height by which two blocks may overlap and still stand one above the other: the
characters' boxes are the font's (ascent to descent), and a tight line spacing makes them overlap a little."""


class CharBoxes:
    """The boxes of a page's characters a reader sees, by PDFium's index, in page space.

    A box has the font's height (ascent to descent), not the glyph's ink. The boxes are kept in four columns of
    floats, not as a tuple a character: a page's tens of thousands of tuples would wake the garbage collector
    over and over while the page is read. A character with no box (a space or line break PDFium inserted, text
    a reader cannot see) spans nothing: its left and bottom are infinite, its right and top minus infinite, so
    it drops out of any minimum or maximum.
    """

    __slots__ = ("bottoms", "lefts", "rights", "tops")

    def __init__(self, count: int) -> None:
        self.lefts = array("d", [math.inf]) * count
        self.bottoms = array("d", [math.inf]) * count
        self.rights = array("d", [-math.inf]) * count
        self.tops = array("d", [-math.inf]) * count

    def extent(self, start: int, end: int, rotation: int) -> Extent | None:
        """How far the characters from `start` up to `end` reach down and up the page, None if none has a box.

        Up is as the page is shown turned `rotation` degrees clockwise (0, 90, 180 or 270): turned a quarter
        clockwise, the page's left edge is the top of the page shown, and up is leftwards.
        """
        if start >= end:
            return None
        if rotation in (90, 270):
            low, high = min(self.lefts[start:end]), max(self.rights[start:end])
        else:
            low, high = min(self.bottoms[start:end]), max(self.tops[start:end])
        if low == math.inf:
            return None
        if rotation in (90, 180):
            return -high, -low
        return low, high


class SeenChars(NamedTuple):
    """What the visibility pass (`_pdf_visible`) found of a page's characters, by PDFium's index."""

    hidden: frozenset[int]
    """The characters a reader cannot see."""
    boxes: CharBoxes
    """The boxes of those a reader sees."""


def line_spans(text: str) -> list[Span]:
    r"""The lines of PDFium's text of a page, each as its characters' range, its ``\r\n`` (or ``\n``) left out."""
    spans: list[Span] = []
    start = 0
    while (end := text.find("\n", start)) >= 0:
        spans.append((start, end - 1 if end > start and text[end - 1] == "\r" else end))
        start = end + 1
    spans.append((start, len(text)))
    return spans


def _line_extent(span: Span, seen: SeenChars, rotation: int) -> Extent | None:
    """The extent of the line's characters a reader sees, None if it shows none (layout, hidden text).

    The line's spaces count: a space the page draws has its font's height, as the letters beside it do.
    """
    return seen.boxes.extent(*span, rotation)


def _blocks(extents: Sequence[Extent | None]) -> list[list[int]]:
    """The lines (as indices) in runs that follow each other down the page; a line with no extent joins its run.

    A line starts a new run where its middle stands above the top of the last line that showed, or where it
    stands further below that line than `_FAR_BELOW` line heights.
    """
    blocks: list[list[int]] = []
    last: Extent | None = None
    for index, extent in enumerate(extents):
        starts = not blocks
        if extent is not None and last is not None:
            height = max(last[1] - last[0], extent[1] - extent[0])
            starts = (extent[0] + extent[1]) / 2 > last[1] or extent[1] < last[0] - _FAR_BELOW * height
        if starts:
            blocks.append([])
        blocks[-1].append(index)
        if extent is not None:
            last = extent
    return blocks


class _Block(NamedTuple):
    lines: list[int]
    bottom: float
    top: float
    overlap: float
    """How far the block may reach into a block below it and still stand above it."""


def _block(lines: list[int], extents: Sequence[Extent | None]) -> _Block | None:
    """The block's reach up and down the page, None if none of its lines shows anything."""
    shown = [extent for index in lines if (extent := extents[index]) is not None]
    if not shown:
        return None
    lowest = min(shown)
    return _Block(lines, lowest[0], max(top for _, top in shown), _TOUCHING * (lowest[1] - lowest[0]))


def block_order(extents: Sequence[Extent | None]) -> list[int]:
    """The lines' indices in reading order, given each line's extent (None: it shows nothing) in PDFium's order.

    Each block in turn moves in front of the blocks placed just before it as long as it stands wholly above
    each of them; a block that shows nothing stays where it is, and so holds back any block after it.
    """
    placed: list[tuple[list[int], _Block | None]] = []
    for lines in _blocks(extents):
        block = _block(lines, extents)
        at = len(placed)
        if block is not None:
            while at > 0 and (before := placed[at - 1][1]) is not None and block.bottom >= before.top - block.overlap:
                at -= 1
        placed.insert(at, (lines, block))
    return [index for lines, _ in placed for index in lines]


def reading_order(text: str, seen: SeenChars, rotation: int) -> list[Span] | None:
    """The page's lines in reading order, or None where that is PDFium's order (most pages).

    `text` is PDFium's text of the page, one character an index; `seen` what the visibility pass found of its
    characters (the hidden ones are left out of the lines' extents); `rotation` the turn the text page was read
    under (`upright_textpage`).
    """
    spans = line_spans(text)
    if len(spans) < 2:
        return None
    order = block_order([_line_extent(span, seen, rotation) for span in spans])
    if all(earlier < later for earlier, later in zip(order, order[1:], strict=False)):
        return None
    return [spans[index] for index in order]
