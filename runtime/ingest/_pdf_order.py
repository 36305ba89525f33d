"""The order a PDF page's lines are read in: PDFium's, but for blocks drawn after the text they stand above.

PDFium gives a page's characters in the order the page draws them, and starts a line where the text moves to
another line. Most pages draw their text top to bottom; some draw a part last that stands at the top (a
viewer's header over every page, a letterhead put on after the body) or a part first that stands at the foot
(a footer of bank details drawn before the letter). Read in PDFium's order, a document's title, number or
sender comes after its last line, and its footer before its first, for whatever reads the text: a model, the
rules backend, a reviewer searching it.

The lines are taken in blocks: a block is a run of lines that follow each other down the page, a wide gap
down starting the next. A block that stands wholly above the blocks read just before it moves in front of
them, and no further; where it would then follow a block it stands beside (sharing some of its height, none
of its width), it is a column beside that one, and it follows the rest of that column too. Nothing else moves:
a second column keeps its place after the first, whether its top is above the first column's foot or the first
column breaks off below the second's foot; so does a superscript drawn after its paragraph (it stands inside the
block it belongs to, not above it). Lines are moved whole, each with its line break, never cut or joined: a
page's text is PDFium's lines, some in another order.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Sequence
from typing import NamedTuple

from claimflow.runtime.ingest._pdf_objects import Box

__all__ = ["MAX_BLOCKS", "CharBoxes", "Span", "block_order", "line_spans", "reading_order"]

Span = tuple[int, int]
"""A line as a range of PDFium's character indices, its line break left out: start, and one past the end."""

MAX_BLOCKS = 1000
"""A page of more blocks than this keeps PDFium's order: moving a block walks back over the blocks before it, so
the work grows with the square of their number, and a page drawn line by line from the foot up would make
thousands (a page of ordinary text has a few)."""

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

    def box(self, start: int, end: int, rotation: int) -> Box | None:
        """The box around the characters from `start` up to `end` as the page reads, None if none has one.

        The box's left, bottom, right and top are as the page is shown turned `rotation` degrees clockwise (0, 90,
        180 or 270, as PDFium gives a page's /Rotate): turned a quarter clockwise, the page's left edge is the top
        of the page shown and its foot the left. Its numbers are page coordinates, negated where the turn runs
        them the other way: they compare, they are not positions on the page.
        """
        if start >= end:
            return None
        left, bottom = min(self.lefts[start:end]), min(self.bottoms[start:end])
        if left == math.inf:
            return None
        right, top = max(self.rights[start:end]), max(self.tops[start:end])
        if rotation == 90:
            return bottom, -right, top, -left
        if rotation == 180:
            return -right, -top, -left, -bottom
        if rotation == 270:
            return -top, left, -bottom, right
        return left, bottom, right, top


def line_spans(text: str) -> list[Span]:
    r"""The lines of PDFium's text of a page, each as its characters' range, its ``\r\n`` (or ``\n``) left out."""
    spans: list[Span] = []
    start = 0
    while (end := text.find("\n", start)) >= 0:
        spans.append((start, end - 1 if end > start and text[end - 1] == "\r" else end))
        start = end + 1
    spans.append((start, len(text)))
    return spans


def _blocks(boxes: Sequence[Box | None]) -> list[list[int]]:
    """The lines (as indices) in runs that follow each other down the page; a line with no box joins its run.

    A line starts a new run where its middle stands above the top of the last line that showed, or where it
    stands further below that line than `_FAR_BELOW` line heights.
    """
    blocks: list[list[int]] = []
    last: Box | None = None
    for index, box in enumerate(boxes):
        starts = not blocks
        if box is not None and last is not None:
            height = max(last[3] - last[1], box[3] - box[1])
            starts = (box[1] + box[3]) / 2 > last[3] or box[3] < last[1] - _FAR_BELOW * height
        if starts:
            blocks.append([])
        blocks[-1].append(index)
        if box is not None:
            last = box
    return blocks


class _Block(NamedTuple):
    lines: list[int]
    box: Box
    """Around its lines' boxes."""
    overlap: float
    """How far the block may reach into a block below it and still stand above it: a share of its lowest line."""

    def stands_above(self, other: _Block) -> bool:
        """Whether this block stands wholly above `other`, but for the overlap its lines' boxes may have."""
        return self.box[1] >= other.box[3] - self.overlap

    def shares_width(self, other: _Block) -> bool:
        """Whether this block and `other` share some of the page's width."""
        return self.box[0] < other.box[2] and other.box[0] < self.box[2]

    def stands_beside(self, other: _Block) -> bool:
        """Whether this block shares some of `other`'s height and none of its width: a column beside it."""
        bottom, top = self.box[1], self.box[3]
        shares_height = bottom < other.box[3] - self.overlap and other.box[1] < top - other.overlap
        return shares_height and not self.shares_width(other)


def _block(lines: list[int], boxes: Sequence[Box | None]) -> _Block:
    """The run of lines as a block.

    A run always holds a line with a box: a run starts only at one, but for the first, which holds the page's
    first (a page whose lines show nothing is never ordered).
    """
    shown = [box for index in lines if (box := boxes[index]) is not None]
    lowest = min(shown, key=lambda box: box[1])
    around = (
        min(box[0] for box in shown),
        lowest[1],
        max(box[2] for box in shown),
        max(box[3] for box in shown),
    )
    return _Block(lines, around, _TOUCHING * (lowest[3] - lowest[1]))


def block_order(boxes: Sequence[Box | None]) -> list[int]:
    """The lines' indices in reading order, given each line's box as the page reads, in PDFium's order.

    A line's box is None where it shows nothing. Each block in turn moves in front of the blocks placed just
    before it as long as it `stands_above` each of them. Where it stops beside a block (`stands_beside`), it is
    a column beside that one's, and goes back down past the blocks that share none of its width: the rest of
    the other column. A page of more than `MAX_BLOCKS` blocks, or whose lines show nothing, keeps PDFium's order.
    """
    runs = _blocks(boxes)
    if len(runs) > MAX_BLOCKS or all(box is None for box in boxes):
        return list(range(len(boxes)))
    placed: list[_Block] = []
    for lines in runs:
        block = _block(lines, boxes)
        at = len(placed)
        while at > 0 and block.stands_above(placed[at - 1]):
            at -= 1
        if 0 < at < len(placed) and block.stands_beside(placed[at - 1]):
            # A column beside the block it would follow: it goes after the rest of that column too (the blocks
            # below it that share none of its width), so each column reads whole, and before what spans both.
            while at < len(placed) and not block.shares_width(placed[at]):
                at += 1
        placed.insert(at, block)
    return [index for block in placed for index in block.lines]


def reading_order(text: str, boxes: CharBoxes, rotation: int) -> list[Span] | None:
    r"""The page's lines in reading order, or None where that is PDFium's order (most pages).

    `text` is PDFium's text of the page, one character an index; `boxes` those of the characters a reader sees
    (the visibility pass keeps none for the others, so they take no part); `rotation` the turn the text page was
    read under (`upright_textpage`). A caller joins the lines with PDFium's line break, ``\r\n``: a line that
    ends in a ``\r`` of its own keeps it, as it does in PDFium's text.
    """
    spans = line_spans(text)
    if len(spans) < 2:
        return None
    order = block_order([boxes.box(*span, rotation) for span in spans])
    if all(earlier < later for earlier, later in zip(order, order[1:], strict=False)):
        return None
    return [spans[index] for index in order]
