"""Whether a PDF page is a scan under a few lines of text: a fax header, a filing stamp, a page number put on later.

Such a page has a text layer, and one long enough to be taken for the page's text, while what the page says is in
its image. Read by its text layer, the page would be its stamp alone (`Received 2024-03-15 10:22 via FAX ...`), the
invoice under it missing from the text. So a page whose images cover most of it and whose text layer is short is
also read by OCR, and the OCR text (which reads the stamp too, as it is drawn on the rendering) is taken when it
reads clearly more than the text layer: a page whose text layer already says what its image shows keeps it.

A scan may also carry a scanner's own OCR as text painted under the image ("text under the page image"): the
reader sees the image, not that text, which is the scanner's reading, right or wrong. A page whose every text
object is held by an opaque image painted after it, covering half the page or more, is read by OCR as a scan.
"""

from __future__ import annotations

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from claimflow.runtime.ingest._pdf_objects import Box, bounds, holds, kind_of, page_objects
from claimflow.runtime.ingest._pdfium_address import by_address

_HAS_TRANSPARENCY = by_address("FPDFPageObj_HasTransparency")

__all__ = ["SCAN_SHARE", "SHORT_LAYER_FACTOR", "WIDER_READING", "covered_by_images", "text_under_a_scan"]

SCAN_SHARE = 0.5
"""The share of a page its images cover from which the page may be a scan under its text layer."""

SHORT_LAYER_FACTOR = 10
"""A text layer under this many times `min_chars_for_text_layer` visible characters is short: a stamp or a header
line, not a page of text (a page of text has thousands). A longer one is trusted, and its page not rendered."""

WIDER_READING = 2
"""How many times the text layer's visible characters the OCR reading must have to replace it: more than the
stamp read again, so a page whose text layer says what its image shows keeps its exact text."""


def _area(box: Box) -> float:
    return max(box[2] - box[0], 0.0) * max(box[3] - box[1], 0.0)


def _clipped(box: Box, page: Box) -> Box:
    return max(box[0], page[0]), max(box[1], page[1]), min(box[2], page[2]), min(box[3], page[3])


def covered_by_images(page: pdfium.PdfPage) -> float:
    """The share of the page's crop box its images cover, from 0 to 1 (the caller holds PDFium's lock).

    The images drawn on the page itself count, each clipped to the crop box; their overlaps are not taken out,
    and the share stops at 1.
    """
    crop: Box = page.get_cropbox()
    whole = _area(crop)
    if whole <= 0:
        return 0.0
    covered = 0.0
    for _, obj in page_objects(page):
        if kind_of(obj) != pdfium_c.FPDF_PAGEOBJ_IMAGE:
            continue
        box = bounds(obj)
        if box is not None:
            covered += _area(_clipped(box, crop))
    return min(covered / whole, 1.0)


def text_under_a_scan(page: pdfium.PdfPage) -> bool:
    """True if the page has text and all of it is painted under an opaque image covering half the page or more.

    Opaque: no soft mask, mask, alpha or blend mode (PDFium's transparency test). Text inside form XObjects is
    not dated: a page with a form is not judged so (its text is kept). The caller holds PDFium's lock.
    """
    crop: Box = page.get_cropbox()
    whole = _area(crop)
    if whole <= 0:
        return False
    texts: list[tuple[int, Box]] = []
    scans: list[tuple[int, Box]] = []
    for index, obj in page_objects(page):
        kind = kind_of(obj)
        if kind == pdfium_c.FPDF_PAGEOBJ_FORM:
            return False
        box = bounds(obj)
        if box is None:
            continue
        if kind == pdfium_c.FPDF_PAGEOBJ_TEXT:
            texts.append((index, box))
        elif kind == pdfium_c.FPDF_PAGEOBJ_IMAGE and not _HAS_TRANSPARENCY(obj):
            if _area(_clipped(box, crop)) >= SCAN_SHARE * whole:
                scans.append((index, box))
    return bool(texts) and all(
        any(drawn > text_index and holds(image, text) for drawn, image in scans) for text_index, text in texts
    )
