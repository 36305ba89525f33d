"""One page of a stored PDF: its rendering, and where spans of its stored text stand on it."""

from __future__ import annotations

import ctypes
import io
import math
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image

from claimflow.runtime.ingest.errors import CorruptDocumentError
from claimflow.runtime.ingest.pdf import PDFIUM_LOCK, PageImage, image_for_ocr, upright_textpage
from claimflow.runtime.ingest.pdfium_errors import unopened_reason
from claimflow.runtime.pages._pdf_layer import indexed_text
from claimflow.runtime.pages.errors import NoSuchPageError
from claimflow.runtime.pages.geometry import Box
from claimflow.state.evidence import quote_matches

DISPLAY_SCALE = 2.0
"""Pixels per PDF point of a shown page: 144 dpi, sharp on screens that double pixels, an A4 page 1191 x 1684."""

# A poster-sized page would make a huge image; shown pages are scaled down to this many pixels.
_MAX_DISPLAY_PIXELS = 8_000_000


@dataclass(frozen=True)
class PdfPage:
    """A rendered PDF page, its text layer as stored, and each stored character's glyph box (None: no glyph)."""

    image: Image.Image
    text: str
    glyphs: list[Box | None]
    ocr: PageImage | None
    """What `parse_pdf` reads by OCR of the page (and how), when the stored text is not this text layer; else None."""


def _scale(page: pdfium.PdfPage, scale: float, max_pixels: int) -> float:
    width, height = page.get_size()
    pixels = width * height * scale * scale
    return scale * math.sqrt(max_pixels / pixels) if pixels > max_pixels else scale


def _render(page: pdfium.PdfPage) -> Image.Image:
    """The page in colour for people, within its pixel cap (the caller holds the lock)."""
    bitmap = page.render(scale=_scale(page, DISPLAY_SCALE, _MAX_DISPLAY_PIXELS))
    try:
        image: Image.Image = bitmap.to_pil().copy()  # to_pil() may share the bitmap's buffer
    finally:
        bitmap.close()
    return image


def _to_pixels(page: pdfium.PdfPage, size: tuple[int, int], x: float, y: float) -> tuple[float, float]:
    """A point in PDF page space to pixels of a rendering of `size` (PDFium applies crop box and rotation)."""
    device_x, device_y = ctypes.c_int(), ctypes.c_int()
    pdfium_c.FPDF_PageToDevice(page, 0, 0, size[0], size[1], 0, x, y, device_x, device_y)
    return float(device_x.value), float(device_y.value)


def _glyphs(
    page: pdfium.PdfPage, textpage: pdfium.PdfTextPage, indices: list[int], size: tuple[int, int]
) -> list[Box | None]:
    boxes: list[Box | None] = []
    for index in indices:
        if index < 0 or pdfium_c.FPDFText_IsGenerated(textpage, index) == 1:
            boxes.append(None)
            continue
        left, bottom, right, top = textpage.get_charbox(index, loose=True)
        x0, y0 = _to_pixels(page, size, left, bottom)
        x1, y1 = _to_pixels(page, size, right, top)
        boxes.append(Box(min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)))
    return boxes


def read_pdf_page(data: bytes, number: int, stored_text: str, ocr_dpi: int) -> PdfPage:
    """Render page `number` (1-based) and read its text layer the way `parse_pdf` does, opening the PDF once.

    Where `stored_text` is not the text layer, the ingest read the page by OCR: the page is also read as OCR
    read it (`image_for_ocr`, its scan's own pixels or a grey rendering), so its words can be found again there.

    Raises:
        NoSuchPageError: The PDF has no such page.
        CorruptDocumentError: PDFium cannot read it (it could when the document was parsed, so rarely).
    """
    with PDFIUM_LOCK:
        try:
            pdf = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as exc:
            raise CorruptDocumentError(unopened_reason(exc)) from exc
        try:
            if not 1 <= number <= len(pdf):
                raise NoSuchPageError(f"the document has {len(pdf)} page(s); there is no page {number}")
            return _read(pdf, number, stored_text, ocr_dpi)
        except pdfium.PdfiumError as exc:
            raise CorruptDocumentError(f"Page {number} of the PDF could not be read: {exc}") from exc
        finally:
            pdf.close()


def _read(pdf: pdfium.PdfDocument, number: int, stored_text: str, ocr_dpi: int) -> PdfPage:
    """Page `number` of an open PDF (the caller holds the lock and maps PDFium's errors)."""
    page = pdf[number - 1]
    try:
        textpage, rotation = upright_textpage(page)  # as parsing read it: the stored text's order
        try:
            image = _render(page)
            text, indices = indexed_text(page, textpage, rotation)
            glyphs = _glyphs(page, textpage, indices, image.size)
        finally:
            textpage.close()
        ocr = image_for_ocr(page, ocr_dpi) if text != stored_text else None
    finally:
        page.close()
    return PdfPage(image, text, glyphs, ocr)


def find_in(text: str, quote: str, near: int) -> tuple[int, int] | None:
    """Where `quote` stands in `text` (white space may differ), the place nearest offset `near`."""
    if not quote.split():
        return None
    hits = quote_matches(text, quote)
    return min(hits, key=lambda hit: abs(hit[0] - near)) if hits else None


def png(image: Image.Image) -> bytes:
    """The image as PNG bytes."""
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=False)
    return buffer.getvalue()
