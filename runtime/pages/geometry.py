"""Boxes on a page image, in its pixels, and joining glyph or word boxes into one box per line."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["Box", "lines_of"]


@dataclass(frozen=True)
class Box:
    """A rectangle on a page image: pixels from the image's top-left corner."""

    left: float
    top: float
    right: float
    bottom: float

    @property
    def width(self) -> float:
        """Width in pixels."""
        return self.right - self.left

    @property
    def height(self) -> float:
        """Height in pixels."""
        return self.bottom - self.top

    def scaled(self, factor_x: float, factor_y: float) -> Box:
        """The same box on the image resized by these factors."""
        return Box(self.left * factor_x, self.top * factor_y, self.right * factor_x, self.bottom * factor_y)

    def union(self, other: Box) -> Box:
        """The smallest box holding both."""
        return Box(
            min(self.left, other.left),
            min(self.top, other.top),
            max(self.right, other.right),
            max(self.bottom, other.bottom),
        )

    def as_dict(self) -> dict[str, float]:
        """`{"left", "top", "width", "height"}`, rounded to a tenth of a pixel, for JSON and HTML."""
        return {
            "left": round(self.left, 1),
            "top": round(self.top, 1),
            "width": round(self.width, 1),
            "height": round(self.height, 1),
        }


def _same_line(line: Box, box: Box) -> bool:
    """A box continues a line when it stands to the right and the centre of either lies within the other's height."""
    centre, line_centre = (box.top + box.bottom) / 2, (line.top + line.bottom) / 2
    beside = line.top <= centre <= line.bottom or box.top <= line_centre <= box.bottom
    return beside and box.left >= line.left - 1


def lines_of(boxes: Iterable[Box]) -> list[Box]:
    """Join boxes given in reading order into one box per line: a quote over two lines gets two boxes."""
    lines: list[Box] = []
    for box in boxes:
        if box.width <= 0 or box.height <= 0:
            continue  # spaces and line breaks PDFium inserts have no ink to mark
        if lines and _same_line(lines[-1], box):
            lines[-1] = lines[-1].union(box)
        else:
            lines.append(box)
    return lines
