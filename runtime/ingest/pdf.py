"""PDFs through pypdfium2: the visible text layer where there is one, OCR of the rendered page where not."""

from __future__ import annotations

import math
import threading
from collections import Counter
from dataclasses import dataclass
from typing import NamedTuple

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from claimflow.runtime.ingest._pdf_page_image import PageImage, image_for_ocr
from claimflow.runtime.ingest._pdf_scan import (
    SCAN_SHARE,
    SHORT_LAYER_FACTOR,
    WIDER_READING,
    covered_by_images,
    text_under_a_scan,
)
from claimflow.runtime.ingest._pdf_visible import visible_text
from claimflow.runtime.ingest._text import normalize_newlines, visible_chars
from claimflow.runtime.ingest.errors import (
    CorruptDocumentError,
    DocumentTooLargeError,
    EmptyDocumentError,
    EncryptedDocumentError,
)
from claimflow.runtime.ingest.models import IngestLimits, ParsedPages
from claimflow.runtime.ingest.ocr import ocr_image
from claimflow.runtime.ingest.pdfium_errors import unopened_reason

__all__ = ["PDFIUM_LOCK", "PageImage", "UprightText", "image_for_ocr", "parse_pdf", "upright_textpage"]

# PDFium is not thread-safe: every call into it, here or in any other module, holds this lock. OCR runs outside it.
PDFIUM_LOCK = threading.RLock()

# The text's direction is judged on at most this many characters, spread over the page: every character's angle
# would add half the visibility check's time on a dense page (19 ms to its 36 for 12,000 characters).
_DIRECTION_SAMPLE = 512

# PDFium marks a hyphen that ends a line with U+FFFE (older builds: U+0002); it was printed as "-".
_HYPHEN_MARKS = str.maketrans({"\ufffe": "-", "\x02": "-", "\x00": None})


@dataclass(frozen=True)
class _PageRead:
    text: str
    """The page's visible text layer, newlines normalised."""
    image: PageImage | None
    """What OCR reads of the page when the text layer is too thin to use, or may be a stamp over a scan; else None."""
    wanted: int = 0
    """How many visible characters the OCR of `image` must read to replace the text layer."""


def _open(data: bytes) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if exc.err_code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY):
            raise EncryptedDocumentError(unopened_reason(exc)) from exc
        if exc.err_code == pdfium_c.FPDF_ERR_SUCCESS:
            raise EmptyDocumentError("The PDF has no pages.") from exc
        raise CorruptDocumentError(unopened_reason(exc)) from exc


def _is_blank(page: pdfium.PdfPage) -> bool:
    """True if the page shows nothing at all: no content objects and no annotations, or no area to show them on.

    A crop box outside the media box leaves a page of no area, which PDFium cannot render (nor a viewer show).
    """
    width, height = page.get_size()
    if width * height <= 0:
        return True
    return bool(pdfium_c.FPDFPage_CountObjects(page) == 0 and pdfium_c.FPDFPage_GetAnnotCount(page) == 0)


def _upright_rotation(textpage: pdfium.PdfTextPage) -> int | None:
    """The page rotation (/Rotate) under which most of the page's characters stand upright; None: no characters."""
    count = max(pdfium_c.FPDFText_CountChars(textpage), 0)
    quarters: Counter[int] = Counter()
    for index in range(0, count, max(1, count // _DIRECTION_SAMPLE)):
        # White space, PDFium's inserted line breaks above all, has no direction of its own (PDFium says 0).
        if chr(pdfium_c.FPDFText_GetUnicode(textpage, index)).isspace():
            continue
        angle = pdfium_c.FPDFText_GetCharAngle(textpage, index)  # clockwise, in page space, /Rotate not applied
        if angle >= 0:
            quarters[round(math.degrees(angle) / 90) % 4] += 1
    if not quarters:
        return None
    [(quarter, _)] = quarters.most_common(1)
    return (360 - 90 * quarter) % 360


class UprightText(NamedTuple):
    """A page's text page, read with the page turned so its text stands upright, and that turn."""

    textpage: pdfium.PdfTextPage
    rotation: int
    """The page rotation (/Rotate, clockwise degrees) the text page was laid out under: the text's up is the
    top of the page shown so turned."""


def upright_textpage(page: pdfium.PdfPage) -> UprightText:
    """The page's text page, its lines in the order they have with the page turned so its text stands upright.

    PDFium orders a page's text by where it stands on the page as shown (/Rotate applied), and orders well only
    text that stands upright there. Text that runs down the shown page (a /Rotate of 90 over upright content,
    or text drawn turned a quarter clockwise) it reads last line first, a label apart from its value on the
    same line; text upside down, each line's value before its label. So the text page is read with the page's
    rotation set, in memory and only for that moment, to the one under which most of its characters stand
    upright: its text then reads as the same page drawn upright does. Character indices and boxes belong to
    this text page; the boxes are in page space, whatever the rotation. The caller holds PDFium's lock.
    """
    textpage = page.get_textpage()
    rotation = page.get_rotation()
    upright = _upright_rotation(textpage)
    if upright is None or upright == rotation:
        return UprightText(textpage, rotation)
    textpage.close()
    page.set_rotation(upright)
    try:
        # PDFium lays the text out here, once: the rotation is not read again
        return UprightText(page.get_textpage(), upright)
    finally:
        page.set_rotation(rotation)


def _read_page(pdf: pdfium.PdfDocument, index: int, limits: IngestLimits) -> _PageRead:
    with PDFIUM_LOCK:
        try:
            page = pdf[index]
        except pdfium.PdfiumError as exc:
            raise CorruptDocumentError(f"Page {index + 1} of the PDF could not be read: {exc}") from exc
        try:
            textpage, rotation = upright_textpage(page)
            try:
                text = normalize_newlines(visible_text(page, textpage, rotation)).translate(_HYPHEN_MARKS)
            finally:
                textpage.close()
            found = visible_chars(text)
            if _is_blank(page):
                return _PageRead(text, None)
            if found < limits.min_chars_for_text_layer:
                return _PageRead(text, image_for_ocr(page, limits.ocr_dpi), found)
            if text_under_a_scan(page):  # a scanner's OCR under its image: not what a reader sees
                return _PageRead(text, image_for_ocr(page, limits.ocr_dpi), 0)
            if found < SHORT_LAYER_FACTOR * limits.min_chars_for_text_layer and covered_by_images(page) >= SCAN_SHARE:
                return _PageRead(text, image_for_ocr(page, limits.ocr_dpi), WIDER_READING * found)
            return _PageRead(text, None)
        except pdfium.PdfiumError as exc:
            raise CorruptDocumentError(f"Page {index + 1} of the PDF could not be read: {exc}") from exc
        finally:
            page.close()


def _method(ocr_pages: int, total: int) -> str:
    if ocr_pages == 0:
        return "text-layer"
    return "ocr" if ocr_pages == total else "text-layer+ocr"


def parse_pdf(data: bytes, limits: IngestLimits) -> ParsedPages:
    """Extract one text per page, OCRing pages whose text layer is missing or too thin.

    Only text a reader can see is kept (see ``_pdf_visible``): invisible, off-page, unreadably small
    and white-on-white text is dropped before anything else looks at the page.
    A page with fewer than ``limits.min_chars_for_text_layer`` visible characters is OCRed: a scan at its own
    pixels, any other page rendered at ``limits.ocr_dpi`` (see ``_pdf_page_image``); the OCR text replaces the
    text layer unless it is shorter. So is a scan under a short text layer (a fax header, a stamp: see
    ``_pdf_scan``), whose OCR text replaces it when it reads at least twice as much.
    Pages that draw nothing are kept as empty strings without OCR.

    Args:
        data: The PDF's bytes.
        limits: Page limit, OCR resolution and languages, text-layer threshold.

    Returns:
        Page texts with method ``"text-layer"``, ``"ocr"`` or ``"text-layer+ocr"``, and the pages OCR read.

    Raises:
        EncryptedDocumentError: The PDF needs a password.
        CorruptDocumentError: PDFium cannot read the bytes.
        DocumentTooLargeError: More pages than ``limits.max_pages``.
        OcrUnavailableError: A page needs OCR and tesseract is not installed.
    """
    with PDFIUM_LOCK:
        pdf = _open(data)
    try:
        with PDFIUM_LOCK:
            count = len(pdf)
        if count > limits.max_pages:
            raise DocumentTooLargeError(
                f"The PDF has {count} pages; at most {limits.max_pages} are accepted (CLAIMFLOW_MAX_PAGES)."
            )
        pages: list[str] = []
        ocr_pages: list[int] = []
        for index in range(count):
            read = _read_page(pdf, index, limits)
            text = read.text
            if read.image is not None:
                recognised = ocr_image(read.image.image, limits.ocr_languages, read.image.psm)
                read.image.image.close()
                if visible_chars(recognised) >= read.wanted:
                    text = recognised
                    ocr_pages.append(index + 1)
            pages.append(text)
    finally:
        with PDFIUM_LOCK:
            pdf.close()
    return ParsedPages(
        pages=tuple(pages),
        method=_method(len(ocr_pages), count),
        media_type="application/pdf",
        ocr_pages=tuple(ocr_pages),
    )
