"""The limits parsing runs under and the result it returns."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["MAX_OCR_PIXELS", "IngestLimits", "ParsedPages"]

MAX_OCR_PIXELS = 40_000_000
"""The most pixels OCR reads a page at: a poster-sized PDF page at 300 dpi, a huge scan, or a photo over Pillow's
pixel limit is read smaller (a page at 300 dpi needs under 9 million)."""


@dataclass(frozen=True)
class IngestLimits:
    """Bounds and settings for parsing one document.

    Attributes:
        max_bytes: Largest accepted document, checked before any parsing.
        max_pages: Most pages a PDF or multi-frame TIFF may have.
        max_page_chars: Most characters the text of one page may have.
        max_chars: Most characters the text of all pages may have together.
        ocr_dpi: Resolution PDF pages are rendered at before OCR; a page that is a scan is read at its own.
        ocr_languages: Tesseract language value (``-l``), e.g. ``"eng"`` or ``"eng+deu"``.
        min_chars_for_text_layer: A PDF page whose text layer has fewer non-space characters is OCRed.
    """

    max_bytes: int = 25 * 1024 * 1024
    max_pages: int = 200
    max_page_chars: int = 500_000
    max_chars: int = 2_000_000
    ocr_dpi: int = 300
    ocr_languages: str = "eng"
    min_chars_for_text_layer: int = 20


@dataclass(frozen=True)
class ParsedPages:
    """Page texts of one document.

    Attributes:
        pages: One string per page; evidence offsets index into these strings. No page contains
            a form feed, so pages can be joined by one.
        method: How the text was obtained: ``"text-layer"``, ``"ocr"``, ``"text-layer+ocr"``,
            ``"plain"``, ``"html"`` or ``"docx"``.
        media_type: The sniffed media type, e.g. ``"application/pdf"``.
        ocr_pages: The pages (from 1) whose text OCR read: every page of a photo, those of a PDF with no usable
            text layer.
    """

    pages: tuple[str, ...]
    method: str
    media_type: str
    ocr_pages: tuple[int, ...] = ()
