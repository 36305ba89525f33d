"""The part of a PDF text layer a reader can see, read in one pass over PDFium's characters.

A text layer may hold text that is never painted, or painted where nobody can see it. Such text is
dropped, character by character:
- text in an invisible render mode (3, "neither fill nor stroke", and 7, "clip only");
- text whose centre lies outside the page's crop box (within its media box), as PDFium renders it;
- text whose centre lies outside its clipping path (the box around each of its paths: a rectangle exactly, a
  curved or slanted path generously);
- glyphs smaller than :data:`MIN_GLYPH_POINTS` (a zero or near-zero font size or text matrix), or narrower
  than :data:`MIN_GLYPH_ASPECT` of their height (a horizontal scaling, `Tz`, of a few percent);
- text painted with a fill opacity under :data:`MIN_OPACITY` (as faint as white on paper, or fainter), or
  in white (or a colour so transparent it shows as white) where no filled shape, image or form is under it;
- glyphs painted over by a later opaque filled shape, as the page's rendering shows (see `_pdf_covered.py`).

The white-text test is a heuristic: it treats any non-white filled path, image, shading or form
object under a character as a background the text may stand out from (whatever its colour or
drawing order), and it does not see light text on a light background of another colour.
"""

from __future__ import annotations

import ctypes
import unicodedata
from typing import NamedTuple

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from claimflow.runtime.ingest._pdf_covered import Cover, Covers
from claimflow.runtime.ingest._pdf_gaps import COLUMN_GAP, column_gaps
from claimflow.runtime.ingest._pdf_objects import (
    Box,
    bounds,
    contains,
    fill_colour,
    filled,
    kind_of,
    overlap_of,
    page_objects,
)
from claimflow.runtime.ingest._pdf_order import CharBoxes, Span, reading_order
from claimflow.runtime.ingest._pdfium_address import address_of, by_address

__all__ = [
    "HIDDEN_MARK",
    "LINE_BREAK",
    "MIN_GLYPH_ASPECT",
    "MIN_GLYPH_POINTS",
    "MIN_OPACITY",
    "PageText",
    "page_text",
    "visible_text",
]

MIN_GLYPH_POINTS = 1.0
"""Glyphs whose box on the page (font size, text matrix and transforms applied) is smaller than this, in
points, cannot be read."""

MIN_GLYPH_ASPECT = 0.02
"""Glyphs narrower than this share of their height cannot be seen: a line squeezed by a horizontal scaling
(`Tz`) of 1% is hairlines. The narrowest letters of a font ('i', 'l': a fifth of their box's height) pass down
to a scaling of about 10%, wide ones to 3%; combining marks, which take no width, are exempt."""

MIN_OPACITY = 0.05
"""Text painted with a fill opacity (`ca`) under this cannot be seen: black at 5% on white paper is the 95%
grey that already counts as white."""

# A channel at or above this (of 255) on all three counts as white: 95% is not told apart from paper.
_WHITE_LEVEL = 242

# The alpha (of 255) under which paint is invisible.
_MIN_ALPHA = round(MIN_OPACITY * 255)

# Above this many background boxes a page is treated as drawn all over: the per-character check stays
# bounded, and white text on such a page is kept.
_MAX_BACKGROUNDS = 256

_INVISIBLE_MODES = frozenset((pdfium_c.FPDF_TEXTRENDERMODE_INVISIBLE, pdfium_c.FPDF_TEXTRENDERMODE_CLIP))
_STROKED_MODES = frozenset(
    (
        pdfium_c.FPDF_TEXTRENDERMODE_STROKE,
        pdfium_c.FPDF_TEXTRENDERMODE_FILL_STROKE,
        pdfium_c.FPDF_TEXTRENDERMODE_STROKE_CLIP,
        pdfium_c.FPDF_TEXTRENDERMODE_FILL_STROKE_CLIP,
    )
)
_STROKE_ONLY_MODES = frozenset((pdfium_c.FPDF_TEXTRENDERMODE_STROKE, pdfium_c.FPDF_TEXTRENDERMODE_STROKE_CLIP))
_BACKGROUND_KINDS = frozenset((pdfium_c.FPDF_PAGEOBJ_IMAGE, pdfium_c.FPDF_PAGEOBJ_SHADING, pdfium_c.FPDF_PAGEOBJ_FORM))


class _Seen(NamedTuple):
    """What the visibility pass found of a page's characters, by PDFium's index."""

    hidden: frozenset[int]
    """The characters a reader cannot see."""
    boxes: CharBoxes
    """The boxes of the others: what `_pdf_order` orders the page's lines by."""


class PageText(NamedTuple):
    """A text page read for its visible text: what `visible_text` and the review page's text layer are made of."""

    chars: str
    """The text page's characters, one for each PDFium index."""
    hidden: frozenset[int]
    """The indices of the characters a reader cannot see."""
    lines: list[Span] | None
    """The lines in reading order (`_pdf_order`); None where that is PDFium's order."""
    gaps: frozenset[int]
    """The indices of the spaces that stand for a column gap (`_pdf_gaps`): each is written as `COLUMN_GAP`."""

    def written(self) -> list[str]:
        """What the page's text writes for each of its characters, by PDFium's index: itself, or a column gap."""
        pieces = list(self.chars)
        for index in self.gaps:
            pieces[index] = COLUMN_GAP
        return pieces


LINE_BREAK = "\r\n"
r"""What joins lines put in reading order: PDFium's own line break, so a line ending in a ``\r`` of its own keeps
it as PDFium's order does (the two would otherwise make one break, and a blank line would go)."""

HIDDEN_MARK = "\x00"
"""Stands in for a dropped character until its line is judged (PDF text never keeps a NUL)."""


def _unseen(alpha: int) -> bool:
    """True if paint of this alpha (of 255) cannot be seen."""
    return alpha < _MIN_ALPHA


def _looks_white(red: int, green: int, blue: int, alpha: int) -> bool:
    """True if the colour, laid at its opacity over white paper, shows as white."""
    darkest = min(red, green, blue)
    return 255 - (255 - darkest) * alpha / 255 >= _WHITE_LEVEL


class _Rgba:
    """Reusable ctypes out-parameters for one colour."""

    def __init__(self) -> None:
        self.r, self.g, self.b, self.a = (ctypes.c_uint() for _ in range(4))

    def invisible(self) -> bool:
        return _unseen(self.a.value)

    def white(self) -> bool:
        """`_looks_white` of the colour."""
        return _looks_white(self.r.value, self.g.value, self.b.value, self.a.value)


def _page_box(page: pdfium.PdfPage) -> Box:
    """The part of the page a viewer shows: PDFium's crop box within the media box, corners in order.

    The boxes as written may give any two opposite corners (`[595 842 0 0]`) or be empty (a missing media box is
    US Letter); PDFium's bounding box is what it renders, where the box as written would hide every character.
    """
    rect = pdfium_c.FS_RECTF()
    if pdfium_c.FPDF_GetPageBoundingBox(page, rect):
        return rect.left, rect.bottom, rect.right, rect.top
    left, bottom, right, top = page.get_cropbox()
    return min(left, right), min(bottom, top), max(left, right), max(bottom, top)


def _is_background(obj: int) -> bool:
    """Something white text may stand out from: at address `obj`, a filled non-white path, image, shading or form."""
    kind = kind_of(obj)
    if kind in _BACKGROUND_KINDS:
        return True
    if kind != pdfium_c.FPDF_PAGEOBJ_PATH or not filled(obj):
        return False
    colour = fill_colour(obj)
    return colour is None or not (_unseen(colour[3]) or _looks_white(*colour))


def _backgrounds(page: pdfium.PdfPage) -> tuple[Box, ...] | None:
    """Boxes of the page's backgrounds; None when there are too many to check against each character."""
    boxes: list[Box] = []
    for _, obj in page_objects(page):
        if _is_background(obj) and (box := bounds(obj)) is not None:
            boxes.append(box)
            if len(boxes) > _MAX_BACKGROUNDS:
                return None
    return tuple(boxes)


# PDFium's functions this module asks of text and clipping paths, taking and answering them as addresses.
_TEXT_OBJECT = by_address("FPDFText_GetTextObject")
_RENDER_MODE = by_address("FPDFTextObj_GetTextRenderMode")
_CLIP_PATH = by_address("FPDFPageObj_GetClipPath")
_COUNT_PATHS = by_address("FPDFClipPath_CountPaths")
_COUNT_SEGMENTS = by_address("FPDFClipPath_CountPathSegments")
_SEGMENT = by_address("FPDFClipPath_GetPathSegment")
_POINT = by_address("FPDFPathSegment_GetPoint")


def _clip_boxes(obj: int) -> tuple[Box, ...]:
    """The box around each path of the clipping path of the object at `obj` (text shows only inside all).

    Most text objects have a clipping path (often the page itself): this runs for nearly every one.
    """
    clip = _CLIP_PATH(obj)
    if not clip:
        return ()
    x, y = ctypes.c_float(), ctypes.c_float()
    boxes: list[Box] = []
    for path in range(max(_COUNT_PATHS(clip), 0)):
        xs: list[float] = []
        ys: list[float] = []
        for index in range(max(_COUNT_SEGMENTS(clip, path), 0)):
            segment = _SEGMENT(clip, path, index)
            if segment and _POINT(segment, x, y):
                xs.append(x.value)
                ys.append(y.value)
        if xs:
            boxes.append((min(xs), min(ys), max(xs), max(ys)))
    return tuple(boxes)


class _Style(NamedTuple):
    """What holds for every character of one text object: its render mode, colours, clipping path and covers.

    A tuple, not a frozen dataclass: a page has a text object every few characters, and a tuple is made in half
    the time.
    """

    invisible: bool
    white: bool = False
    clip: Box | None = None
    """Where the clipping path lets the text show (the overlap of its paths' boxes); None: no clipping path."""
    over: tuple[Cover, ...] = ()
    """The opaque shapes drawn over the object (`Covers.over`), read once for all its characters."""


_INVISIBLE = _Style(invisible=True)


class _Reader:
    """Judges one page's characters; each text object's style is read once, out-parameters allocated once."""

    def __init__(self, page: pdfium.PdfPage, textpage: pdfium.PdfTextPage) -> None:
        self.textpage = textpage.raw  # the raw handle: the helper object's conversion costs a call per use
        self._address = address_of(self.textpage)
        self.page_box = _page_box(page)
        self._page = page
        # Backgrounds are read only when white text first shows up: most pages have none.
        self._backgrounds: tuple[Box, ...] | None = ()
        self._backgrounds_read = False
        self._styles: dict[int, _Style] = {}
        self._covers = Covers(page)
        self.rect = pdfium_c.FS_RECTF()
        self._glyph = tuple(ctypes.c_double() for _ in range(4))
        self.fill, self.stroke = _Rgba(), _Rgba()

    def _over_background(self, x: float, y: float) -> bool:
        if not self._backgrounds_read:
            self._backgrounds, self._backgrounds_read = _backgrounds(self._page), True
        boxes = self._backgrounds
        return boxes is None or any(contains(box, x, y) for box in boxes)

    def _style(self, key: int, index: int) -> _Style:
        """The style of the text object (at address `key`) that draws the character at `index`."""
        mode = _RENDER_MODE(key)
        if mode in _INVISIBLE_MODES:
            return _INVISIBLE
        fill, stroke = self.fill, self.stroke
        fill_shows = stroke_shows = False
        if mode not in _STROKE_ONLY_MODES:
            pdfium_c.FPDFText_GetFillColor(self.textpage, index, fill.r, fill.g, fill.b, fill.a)
            fill_shows = not fill.invisible()
        if mode in _STROKED_MODES:
            pdfium_c.FPDFText_GetStrokeColor(self.textpage, index, stroke.r, stroke.g, stroke.b, stroke.a)
            stroke_shows = not stroke.invisible()
        if not (fill_shows or stroke_shows):
            return _INVISIBLE
        # White only if every colour that shows is white.
        white = (not fill_shows or fill.white()) and (not stroke_shows or stroke.white())
        return _Style(False, white, overlap_of(_clip_boxes(key)), self._covers.over(key))

    def read(self) -> _Seen:
        """Which of the page's characters a reader cannot see, and each one's box, in one pass.

        Spaces and line breaks PDFium inserts for gaps between glyphs are layout, not content: they stay,
        whatever their (often empty) box says. The loop runs once a character, most of a text-layer PDF's parse:
        it keeps what it uses in locals, and asks PDFium by address (`by_address`).
        """
        textpage, address, styles, rect = self.textpage, self._address, self._styles, self.rect
        object_at = _TEXT_OBJECT
        loose_box, generated = pdfium_c.FPDFText_GetLooseCharBox, pdfium_c.FPDFText_IsGenerated
        page_left, page_bottom, page_right, page_top = self.page_box
        count = max(pdfium_c.FPDFText_CountChars(textpage), 0)
        hidden: list[int] = []
        boxes = CharBoxes(count)
        lefts, bottoms, rights, tops = boxes.lefts, boxes.bottoms, boxes.rights, boxes.tops
        for index in range(count):
            key = object_at(address, index)
            if not key:
                continue  # inserted between text objects: layout
            style = styles.get(key)
            if style is None:
                style = styles[key] = self._style(key, index)
            if not style.invisible:
                if not loose_box(textpage, index, rect):
                    continue
                # Each field of the out-parameter read once: a ctypes field costs an attribute's lookup and a float.
                left, bottom, right, top = rect.left, rect.bottom, rect.right, rect.top
                x, y = (left + right) / 2, (bottom + top) / 2
                if (  # the page's box `contains` the centre, written out: a call a character costs
                    page_left <= x <= page_right
                    and page_bottom <= y <= page_top
                    and not self._glyph_hidden(index, style, right - left, top - bottom, x, y)
                ):
                    lefts[index], bottoms[index], rights[index], tops[index] = left, bottom, right, top
                    continue
            if generated(textpage, index) != 1:
                hidden.append(index)
        return _Seen(frozenset(hidden), boxes)

    def _glyph_hidden(self, index: int, style: _Style, width: float, height: float, x: float, y: float) -> bool:
        """True if the glyph at `index`, centred at (x, y), is too small, clipped, white on white or covered.

        The box includes the text matrix and the page's transforms; a rotated glyph swaps width and height.
        """
        short, long = (width, height) if width <= height else (height, width)
        if long < MIN_GLYPH_POINTS:
            return True
        if short < MIN_GLYPH_ASPECT * long and not unicodedata.combining(
            chr(pdfium_c.FPDFText_GetUnicode(self.textpage, index))
        ):
            return True
        if style.clip is not None and not contains(style.clip, x, y):
            return True
        if style.white and not self._over_background(x, y):
            return True
        return bool(style.over) and self._covered(style.over, index)

    def _covered(self, over: tuple[Cover, ...], index: int) -> bool:
        """True if a shape drawn later hides the glyph; a space, which shows nothing, is kept to part the words."""
        if chr(pdfium_c.FPDFText_GetUnicode(self.textpage, index)).isspace():
            return False
        return self._covers.hides(over, self._glyph_box(index))

    def _glyph_box(self, index: int) -> Box:
        """The glyph's own box (left, bottom, right, top): its ink, not the font's line height around it."""
        left, right, bottom, top = self._glyph
        if not pdfium_c.FPDFText_GetCharBox(self.textpage, index, left, right, bottom, top):
            return (0.0, 0.0, 0.0, 0.0)
        return left.value, bottom.value, right.value, top.value


def _without_hidden(text: str) -> str:
    """Drop hidden characters, and the lines that held nothing else."""
    lines = []
    for line in text.replace("\r\n", "\n").split("\n"):
        if HIDDEN_MARK not in line:
            lines.append(line)
        elif shown := line.replace(HIDDEN_MARK, "").rstrip():
            lines.append(shown)
    return "\n".join(lines)


def page_text(page: pdfium.PdfPage, textpage: pdfium.PdfTextPage, rotation: int) -> PageText:
    """The page's characters, those a reader cannot see and its lines' reading order, in one pass.

    `rotation` is the turn the text page was read under, as `upright_textpage` gives it. The caller holds
    PDFium's lock.
    """
    seen = _Reader(page, textpage).read()
    chars = _page_chars(textpage, str(textpage.get_text_range()))
    return PageText(
        chars, seen.hidden, reading_order(chars, seen.boxes, rotation), column_gaps(chars, seen.boxes, rotation)
    )


def visible_text(page: pdfium.PdfPage, textpage: pdfium.PdfTextPage, rotation: int) -> str:
    """The page's text layer without the characters a reader cannot see, its lines in reading order.

    One pass over the characters (`page_text`); a text object's style is read at its first character. The lines
    are PDFium's, in its order unless `_pdf_order` moves a block, and a space that stands for a column gap is
    written as `COLUMN_GAP` (`_pdf_gaps`). A page whose every character is visible, whose order stands and whose
    lines leave no column gap gives exactly the text layer as PDFium reads it, a character for each of its
    indices. The caller holds PDFium's lock.
    """
    read = page_text(page, textpage, rotation)
    chars, hidden, lines = read.chars, read.hidden, read.lines
    if lines is None and not hidden and not read.gaps:
        return chars
    spans = lines if lines is not None else [(0, len(chars))]
    pieces = read.written()
    if not hidden:
        return LINE_BREAK.join("".join(pieces[start:end]) for start, end in spans)
    return _without_hidden(
        LINE_BREAK.join(
            "".join(HIDDEN_MARK if index in hidden else pieces[index] for index in range(*span)) for span in spans
        )
    )


def _page_chars(textpage: pdfium.PdfTextPage, text: str) -> str:
    """The text page's characters, one per PDFium index.

    That is `text`, its text as PDFium gives it, when it has as many; else they are read one by one.
    """
    count = max(pdfium_c.FPDFText_CountChars(textpage), 0)
    if len(text) == count:
        return text
    return "".join(chr(pdfium_c.FPDFText_GetUnicode(textpage, index)) for index in range(count))
