"""PDFs through pypdfium2: the visible text layer where there is one, OCR of the rendered page where not."""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image

from claimflow.runtime.ingest._pdf_visible import visible_text
from claimflow.runtime.ingest._text import normalize_newlines, visible_chars
from claimflow.runtime.ingest.errors import (
    CorruptDocumentError,
    DocumentTooLargeError,
    EmptyDocumentError,
    EncryptedDocumentError,
)
from claimflow.runtime.ingest.models import IngestLimits, ParsedPages
from claimflow.runtime.ingest.ocr import PAGE_PSM, ocr_image

__all__ = ["PDFIUM_LOCK", "parse_pdf", "render_for_ocr"]

# PDFium is not thread-safe: every call into it, here or in any other module, holds this lock. OCR runs outside it.
PDFIUM_LOCK = threading.RLock()

# A poster-sized page at 300 dpi would need gigabytes; renders are scaled down to this many pixels.
_MAX_RENDER_PIXELS = 40_000_000

# PDFium marks a hyphen that ends a line with U+FFFE (older builds: U+0002); it was printed as "-".
_HYPHEN_MARKS = str.maketrans({"\ufffe": "-", "\x02": "-", "\x00": None})


@dataclass(frozen=True)
class _PageRead:
    text: str
    """The page's visible text layer, newlines normalised."""
    image: Image.Image | None
    """The rendered page when the text layer is too thin to use, else None."""


def _open(data: bytes) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if exc.err_code == pdfium_c.FPDF_ERR_PASSWORD:
            raise EncryptedDocumentError(
                "The PDF is protected by a password; send a copy saved without a password."
            ) from exc
        if exc.err_code == pdfium_c.FPDF_ERR_SUCCESS:
            raise EmptyDocumentError("The PDF has no pages.") from exc
        raise CorruptDocumentError(f"The PDF could not be opened: {exc}") from exc


def _is_blank(page: pdfium.PdfPage) -> bool:
    """True if the page shows nothing at all: no content objects and no annotations, or no area to show them on.

    A crop box outside the media box leaves a page of no area, which PDFium cannot render (nor a viewer show).
    """
    width, height = page.get_size()
    if width * height <= 0:
        return True
    return bool(pdfium_c.FPDFPage_CountObjects(page) == 0 and pdfium_c.FPDFPage_GetAnnotCount(page) == 0)


def render_for_ocr(page: pdfium.PdfPage, dpi: int) -> Image.Image:
    """The page in grey at `dpi`, scaled down to a bounded size: what OCR reads (the caller holds the lock)."""
    width, height = page.get_size()
    scale = dpi / 72
    pixels = width * height * scale * scale
    if pixels > _MAX_RENDER_PIXELS:
        scale *= math.sqrt(_MAX_RENDER_PIXELS / pixels)
    bitmap = page.render(scale=scale, grayscale=True)
    try:
        # to_pil() may share the bitmap's buffer: copy before the bitmap is closed.
        image: Image.Image = bitmap.to_pil().copy()
    finally:
        bitmap.close()
    return image


def _read_page(pdf: pdfium.PdfDocument, index: int, limits: IngestLimits) -> _PageRead:
    with PDFIUM_LOCK:
        try:
            page = pdf[index]
        except pdfium.PdfiumError as exc:
            raise CorruptDocumentError(f"Page {index + 1} of the PDF could not be read: {exc}") from exc
        try:
            textpage = page.get_textpage()
            try:
                text = normalize_newlines(visible_text(page, textpage)).translate(_HYPHEN_MARKS)
            finally:
                textpage.close()
            if visible_chars(text) >= limits.min_chars_for_text_layer or _is_blank(page):
                return _PageRead(text, None)
            return _PageRead(text, render_for_ocr(page, limits.ocr_dpi))
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
    A page with fewer than ``limits.min_chars_for_text_layer`` visible characters is rendered at
    ``limits.ocr_dpi`` and OCRed; the OCR text replaces the text layer unless it is shorter.
    Pages that draw nothing are kept as empty strings without OCR.

    Args:
        data: The PDF's bytes.
        limits: Page limit, OCR resolution and languages, text-layer threshold.

    Returns:
        Page texts with method ``"text-layer"``, ``"ocr"`` or ``"text-layer+ocr"``.

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
            raise DocumentTooLargeError(f"The PDF has {count} pages; at most {limits.max_pages} are accepted.")
        pages: list[str] = []
        ocr_pages = 0
        for index in range(count):
            read = _read_page(pdf, index, limits)
            text = read.text
            if read.image is not None:
                recognised = ocr_image(read.image, limits.ocr_languages, PAGE_PSM)
                read.image.close()
                if visible_chars(recognised) >= visible_chars(text):
                    text = recognised
                    ocr_pages += 1
            pages.append(text)
    finally:
        with PDFIUM_LOCK:
            pdf.close()
    return ParsedPages(pages=tuple(pages), method=_method(ocr_pages, count), media_type="application/pdf")
