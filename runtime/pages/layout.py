"""A stored document's page as a reviewer sees it: an image, and where spans of the page's text stand on it."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from PIL import Image

from claimflow.runtime.ingest import sniff
from claimflow.runtime.ingest.images import as_shown, load_frame, open_image
from claimflow.runtime.ingest.models import IngestLimits
from claimflow.runtime.ingest.ocr import PHOTO_PSM, OcrWord, ocr_words
from claimflow.runtime.pages._ocr_layer import span_boxes
from claimflow.runtime.pages._pdf_page import find_in, png, read_pdf_page
from claimflow.runtime.pages.errors import NoPageImageError, NoSuchPageError
from claimflow.runtime.pages.geometry import Box, lines_of

__all__ = ["IMAGE_TYPES", "PageLayout", "read_page"]

IMAGE_TYPES = frozenset((sniff.PDF, sniff.JPEG, sniff.PNG, sniff.TIFF))
"""Media types whose pages have an image; other pages (text, HTML) are shown as their text."""


@dataclass
class PageLayout:
    """One page: its PNG, its size, and the boxes of any span of its stored text (offsets as in evidence).

    Boxes come from the PDF's glyphs where the stored text is the page's text layer, and from tesseract's
    words where the text was read by OCR; the words are read when a box is first asked for, once.
    """

    png: bytes
    width: int
    height: int
    page_text: str
    _layer_text: str | None = None
    _glyphs: list[Box | None] = field(default_factory=list)
    _ocr: Image.Image | None = None
    _psm: int = PHOTO_PSM
    _languages: str = "eng"
    _words: list[OcrWord] | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def boxes(self, start: int, end: int) -> list[Box]:
        """Boxes over `page_text[start:end]`, one per line, in this page image's pixels; [] when not found."""
        if not 0 <= start < end <= len(self.page_text):
            return []
        if self._layer_text is not None:
            if self._layer_text == self.page_text:
                return lines_of(box for box in self._glyphs[start:end] if box is not None)
            found = find_in(self._layer_text, self.page_text[start:end], start)
            if found is not None:
                return lines_of(box for box in self._glyphs[found[0] : found[1]] if box is not None)
        if self._ocr is None:
            return []
        with self._lock:  # tesseract is slow: one reading per page, whoever asks first
            if self._words is None:
                self._words = ocr_words(self._ocr, self._languages, self._psm)
        scale_x, scale_y = self.width / self._ocr.width, self.height / self._ocr.height
        return [box.scaled(scale_x, scale_y) for box in span_boxes(self._words, self.page_text, start, end)]


def _pdf(data: bytes, number: int, page_text: str, limits: IngestLimits) -> PageLayout:
    page = read_pdf_page(data, number, page_text, limits.ocr_dpi)
    layout = PageLayout(png(page.image), page.image.width, page.image.height, page_text, page.text, page.glyphs)
    if page.ocr is not None:
        # The stored text is not this text layer: the ingest read the page by OCR of its rendering.
        layout._ocr, layout._psm, layout._languages = page.ocr.image, page.ocr.psm, limits.ocr_languages
    return layout


def _image(data: bytes, number: int, page_text: str, limits: IngestLimits) -> PageLayout:
    image = open_image(data)
    try:
        frames = getattr(image, "n_frames", 1)
        if not 1 <= number <= frames:
            raise NoSuchPageError(f"the document has {frames} page(s); there is no page {number}")
        frame = as_shown(load_frame(image, number - 1))  # a copy: the file can be closed
    finally:
        image.close()
    shown = frame if frame.mode in ("RGB", "RGBA", "L", "LA") else frame.convert("RGBA")
    layout = PageLayout(png(shown), frame.width, frame.height, page_text)
    layout._ocr, layout._psm, layout._languages = frame, PHOTO_PSM, limits.ocr_languages
    return layout


def read_page(
    data: bytes, media_type: str, number: int, page_text: str, limits: IngestLimits | None = None
) -> PageLayout:
    """Read page `number` (1-based) of a stored document for display.

    Args:
        data: The stored original's bytes.
        media_type: Its sniffed media type, as stored with the run.
        number: The page, numbered from 1 as evidence numbers pages.
        page_text: The page's stored text, which evidence offsets index.
        limits: The OCR settings the document was parsed with (resolution, languages).

    Raises:
        NoPageImageError: A text or HTML document: its pages are shown as their text.
        NoSuchPageError: The document has no such page.
        CorruptDocumentError: The bytes cannot be read.
        DocumentTooLargeError: An image with more pixels than can be decoded safely (a decompression bomb).
    """
    limits = limits or IngestLimits()
    if media_type == sniff.PDF:
        return _pdf(data, number, page_text, limits)
    if media_type in IMAGE_TYPES:
        return _image(data, number, page_text, limits)
    raise NoPageImageError(f"a {media_type} document has no page images; its text is shown instead")
