"""A page's objects as PDFium paints them, read by address: their order, kind, box and fill; and their boxes' geometry.

Two passes over a page need them: the backgrounds white text may stand out from (`_pdf_visible`) and the opaque
shapes drawn over text (`_pdf_covered`). Both take the objects as addresses (`_pdfium_address`), so an object
is a plain number from the page to the last question asked of it.
"""

from __future__ import annotations

import ctypes
from collections.abc import Iterator

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from claimflow.runtime.ingest._pdfium_address import address_of, by_address

__all__ = [
    "Box",
    "Rgba",
    "bounds",
    "contains",
    "fill_colour",
    "filled",
    "holds",
    "kind_of",
    "overlap_of",
    "overlaps",
    "page_objects",
]

Box = tuple[float, float, float, float]
"""Left, bottom, right and top, in points on the page."""
Rgba = tuple[int, int, int, int]
"""Red, green, blue and alpha, each of 255."""

_OBJECT_AT = by_address("FPDFPage_GetObject")
_BOUNDS_OF = by_address("FPDFPageObj_GetBounds")
_DRAW_MODE = by_address("FPDFPath_GetDrawMode")
_FILL_COLOUR = by_address("FPDFPageObj_GetFillColor")

kind_of = by_address("FPDFPageObj_GetType")
"""The kind of the page object at an address (`FPDF_PAGEOBJ_PATH`, `FPDF_PAGEOBJ_FORM`, ...)."""


def page_objects(page: pdfium.PdfPage) -> Iterator[tuple[int, int]]:
    """The page's top-level objects in painting order: each one's index in that order and its address."""
    address = address_of(page.raw)
    for index in range(max(pdfium_c.FPDFPage_CountObjects(page), 0)):
        obj = _OBJECT_AT(address, index)
        if obj is not None:
            yield index, obj


def contains(box: Box, x: float, y: float) -> bool:
    """Whether the point (x, y) lies in `box`, its edges included."""
    left, bottom, right, top = box
    return left <= x <= right and bottom <= y <= top


def holds(outer: Box, inner: Box) -> bool:
    """Whether `inner` lies wholly in `outer`, edges included."""
    return outer[0] <= inner[0] and outer[1] <= inner[1] and inner[2] <= outer[2] and inner[3] <= outer[3]


def overlaps(one: Box, other: Box) -> bool:
    """Whether the two boxes share more than an edge."""
    return one[0] < other[2] and other[0] < one[2] and one[1] < other[3] and other[1] < one[3]


def overlap_of(boxes: tuple[Box, ...]) -> Box | None:
    """The box a point is in exactly when it is in every one of `boxes` (their overlap; None for no boxes).

    Boxes that do not overlap give a box with its sides crossed, which holds no point.
    """
    if not boxes:
        return None
    lefts, bottoms, rights, tops = zip(*boxes, strict=True)
    return max(lefts), max(bottoms), min(rights), min(tops)


def bounds(obj: int) -> Box | None:
    """The box of the page object at address `obj`; None when PDFium cannot tell it."""
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    if not _BOUNDS_OF(obj, left, bottom, right, top):
        return None
    return left.value, bottom.value, right.value, top.value


def filled(obj: int) -> bool:
    """Whether the path at address `obj` is filled (stroked only, or not drawn at all: false)."""
    fill_mode, stroke = ctypes.c_int(), ctypes.c_int()
    return bool(_DRAW_MODE(obj, fill_mode, stroke)) and fill_mode.value != pdfium_c.FPDF_FILLMODE_NONE


def fill_colour(obj: int) -> Rgba | None:
    """The fill colour of the page object at address `obj`; None when PDFium cannot tell it."""
    red, green, blue, alpha = (ctypes.c_uint() for _ in range(4))
    if not _FILL_COLOUR(obj, red, green, blue, alpha):
        return None
    return red.value, green.value, blue.value, alpha.value
