"""Text painted over: characters a later opaque filled shape hides, as PDFium draws the page.

PDFium keeps a page's objects in the order its content stream paints them, so a text object and a filled path
drawn after it can be told apart from a background drawn before it. A character is covered when a path drawn
later, filled, fully opaque (no fill or stroke alpha, blend mode or soft mask: PDFium's own transparency test)
and at least a point wide and high has a box holding the character's whole box, and the page as PDFium renders
it shows one flat colour over that box. The rendering is the proof: it sees what the structure alone cannot
(a clipping path around the shape, a pattern fill with gaps, a layer switched off, text drawn again on top),
and it is made only for a page where some character has such a shape over it.

Shapes inside form XObjects are not looked at (text inside a form is dated by the form's place), nor are
images or annotations drawn over text, nor text covered by two shapes side by side: such text is kept.
"""

from __future__ import annotations

import ctypes
import math

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from claimflow.runtime.ingest._pdf_objects import (
    Box,
    bounds,
    fill_colour,
    filled,
    holds,
    kind_of,
    overlaps,
    page_objects,
)
from claimflow.runtime.ingest._pdfium_address import by_address

__all__ = ["Cover", "Covers"]

Cover = tuple[Box, tuple[int, int, int]]
"""A shape's box and its fill colour (red, green, blue)."""
_Placed = tuple[int, int]
"""An object's place in the page's painting order, and the address of the top-level object (itself or a form)
painting it."""

_MIN_SIDE = 1.0
"""Shapes narrower or lower than this (points) hold no readable character: rules and borders are skipped."""
_MAX_COVERS = 256
"""Above this many shapes drawn over text a page is not judged: its text is kept, the check stays bounded."""
_MAX_NESTED = 10_000
"""Objects inside form XObjects dated at most: a form nested without end is not walked without end."""
_SCALE = 2.0
"""Pixels per point of the rendering that proves a character covered (144 dpi: a 6 pt glyph is 12 px high)."""
_MAX_PIXELS = 8_000_000
"""A page larger than this at :data:`_SCALE` is rendered smaller, to this many pixels."""
_FLAT = 2
"""Channels (of 255) within this of the cover's count as its colour: nothing else is drawn there."""
_MARGIN = 2
"""Pixels around a glyph's box that must show the cover's colour too."""


# PDFium's functions this module asks of page objects besides `_pdf_objects`'s, taking them as addresses.
_HAS_TRANSPARENCY = by_address("FPDFPageObj_HasTransparency")
_FORM_COUNT = by_address("FPDFFormObj_CountObjects")
_FORM_OBJECT = by_address("FPDFFormObj_GetObject")


def _opaque_fill(obj: int) -> Cover | None:
    """The box and colour of a filled, fully opaque path (at address `obj`) of some size; None for anything else."""
    if not filled(obj) or _HAS_TRANSPARENCY(obj):
        return None
    colour = fill_colour(obj)
    if colour is None or colour[3] != 255:
        return None
    box = bounds(obj)
    if box is None or box[2] - box[0] < _MIN_SIDE or box[3] - box[1] < _MIN_SIDE:
        return None
    return box, colour[:3]


class _Rendering:
    """The page rendered once, in colour, and read back as pixels."""

    def __init__(self, page: pdfium.PdfPage) -> None:
        width, height = pdfium_c.FPDF_GetPageWidthF(page), pdfium_c.FPDF_GetPageHeightF(page)
        scale = min(_SCALE, math.sqrt(_MAX_PIXELS / max(width * height, 1.0)))
        self.width, self.height = max(math.ceil(width * scale), 1), max(math.ceil(height * scale), 1)
        self._page = page
        bitmap = pdfium_c.FPDFBitmap_Create(self.width, self.height, 0)
        if not bitmap:
            raise MemoryError("PDFium could not allocate a bitmap to render the page")
        try:
            pdfium_c.FPDFBitmap_FillRect(bitmap, 0, 0, self.width, self.height, 0xFFFFFFFF)
            pdfium_c.FPDF_RenderPageBitmap(bitmap, page, 0, 0, self.width, self.height, 0, pdfium_c.FPDF_ANNOT)
            self.stride = pdfium_c.FPDFBitmap_GetStride(bitmap)
            self.pixels = ctypes.string_at(pdfium_c.FPDFBitmap_GetBuffer(bitmap), self.stride * self.height)
        finally:
            pdfium_c.FPDFBitmap_Destroy(bitmap)

    def _device(self, x: float, y: float) -> tuple[int, int]:
        column, row = ctypes.c_int(), ctypes.c_int()
        pdfium_c.FPDF_PageToDevice(self._page, 0, 0, self.width, self.height, 0, x, y, column, row)
        return column.value, row.value

    def _pixels(self, box: Box) -> tuple[int, int, int, int]:
        """The box in pixels (left, top, right, bottom), whole pixels around it."""
        corners = [self._device(box[0], box[1]), self._device(box[2], box[3])]
        left, right = sorted(column for column, _ in corners)
        top, bottom = sorted(row for _, row in corners)
        return left, top, right, bottom

    def shows_only(self, glyph: Box, cover: Cover) -> bool:
        """True if around the glyph only the cover's colour shows.

        The glyph's box is widened by :data:`_MARGIN` pixels, so a glyph that shows brings its paper or the
        shape around it in (the inside of a dot alone is flat), and kept a pixel inside the cover's edges,
        where the cover may blend with what is beside it.
        """
        box, colour = cover
        left, top, right, bottom = self._pixels(glyph)
        outer = self._pixels(box)
        left, top = max(left - _MARGIN, outer[0] + 1, 0), max(top - _MARGIN, outer[1] + 1, 0)
        right = min(right + _MARGIN, outer[2] - 1, self.width)
        bottom = min(bottom + _MARGIN, outer[3] - 1, self.height)
        if right <= left or bottom <= top:
            return False  # no pixel to prove it by
        expected = colour[2], colour[1], colour[0]  # the bitmap holds blue, green, red and an unused byte
        for row in range(top, bottom):
            start = row * self.stride + left * 4
            line = self.pixels[start : start + (right - left) * 4]
            for channel in range(3):
                values = line[channel::4]
                if max(values) - expected[channel] > _FLAT or expected[channel] - min(values) > _FLAT:
                    return False
        return True


class Covers:
    """The opaque shapes drawn over a page's text, found at the first question (the caller holds PDFium's lock)."""

    def __init__(self, page: pdfium.PdfPage) -> None:
        self._page = page
        self._placed: dict[int, _Placed] | None = None
        self._covers: list[tuple[int, Cover]] = []
        self._rendering: _Rendering | None = None

    def _read(self) -> dict[int, _Placed]:
        """Each object's place in the painting order and the top-level object that paints it, by address."""
        placed: dict[int, _Placed] = {}
        forms: list[_Placed] = []
        for index, obj in page_objects(self._page):
            placed[obj] = index, obj
            kind = kind_of(obj)
            if kind == pdfium_c.FPDF_PAGEOBJ_FORM:
                forms.append((index, obj))
            elif kind == pdfium_c.FPDF_PAGEOBJ_PATH and (cover := _opaque_fill(obj)) is not None:
                self._covers.append((index, cover))
        if len(self._covers) > _MAX_COVERS:
            self._covers = []
        if self._covers:
            _place_nested(forms, placed)
        return placed

    def over(self, text_object: int) -> tuple[Cover, ...]:
        """The shapes drawn after the text object that overlap the box of the object painting it (most often none).

        The page's objects are read at the first question; the caller keeps the answer for each text object.
        """
        if self._placed is None:
            self._placed = self._read()
        placed = self._placed.get(text_object) if self._covers else None
        # The shapes are listed in painting order: text drawn after the last of them (most text) has none over it.
        if placed is None or placed[0] > self._covers[-1][0]:
            return ()
        drawn, painter = placed
        box = bounds(painter)  # a form's box when the text is inside one: the page's space, not the form's
        if box is None:
            return ()
        return tuple(cover for index, cover in self._covers if index > drawn and overlaps(cover[0], box))

    def hides(self, over: tuple[Cover, ...], glyph: Box) -> bool:
        """True if one of the shapes over the text holds the glyph's whole box, and nothing but it shows there."""
        holding = [cover for cover in over if holds(cover[0], glyph)]
        if not holding:
            return False
        if self._rendering is None:
            self._rendering = _Rendering(self._page)
        rendering = self._rendering
        return any(rendering.shows_only(glyph, cover) for cover in holding)


def _place_nested(forms: list[_Placed], placed: dict[int, _Placed]) -> None:
    """Place every object inside the forms as its outermost form: the form paints all it holds at its place."""
    pending = list(forms)
    count = 0
    while pending and count < _MAX_NESTED:
        outer = pending.pop()
        form = outer[1]
        pending_children = []
        for child in range(max(_FORM_COUNT(form), 0)):
            obj = _FORM_OBJECT(form, child)
            if obj is None:
                continue
            placed[obj] = outer
            count += 1
            if kind_of(obj) == pdfium_c.FPDF_PAGEOBJ_FORM:
                pending_children.append(obj)
        pending.extend((outer[0], child_form) for child_form in pending_children)
