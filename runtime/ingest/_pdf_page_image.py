"""The image OCR reads of a PDF page: a scan at its own pixels, any other page rendered at the configured dpi.

A page that is a scan holds its image at a resolution of the scanner's (or the app's) choosing, and states a
size in points that often says nothing of it: Pillow's PDF writer puts each pixel on a point (72 dpi), img2pdf on
1/96 inch unless the image states its dpi. Rendered at 300 dpi, such a page reaches tesseract scaled up three to
four times and smoothed: 40 receipt photos wrapped one per page into image-only PDFs read 21 right totals, the
photos themselves 29. So a page that is one image covering it is read at the image's own pixels and with the
photo's page segmentation, as the photo would be; a page its images cover most of (a scan under a stamp) is
rendered at its largest image's resolution, so the scan's pixels stay about one to one; only other pages are
rendered at the configured dpi.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image

from claimflow.runtime.ingest._pdf_scan import SCAN_SHARE, covered_by_images
from claimflow.runtime.ingest.models import MAX_OCR_PIXELS
from claimflow.runtime.ingest.ocr import PAGE_PSM, PHOTO_PSM

__all__ = ["PageImage", "image_for_ocr"]

# How far (in points) the edges of a page's one image may stand from the page's: a rounding of the page size to
# whole points or hundredths (img2pdf's 96 dpi pages are fractional), not a margin.
_EDGE_SLACK = 1.0

# Pixels per point under which an image stretched over most of a page is not its scan but a background (a small
# texture, a tinted picture): 72 dpi. Such a page is rendered at the configured dpi, its drawn text kept sharp.
_LEAST_SCAN_SCALE = 1.0

# PDFium's /Rotate (degrees clockwise) as the Pillow turn that shows the image so; Pillow's ROTATE_n is anticlockwise.
_SHOWN_TURNED = {90: Image.Transpose.ROTATE_270, 180: Image.Transpose.ROTATE_180, 270: Image.Transpose.ROTATE_90}


class PageImage(NamedTuple):
    """What OCR reads of a PDF page, and how tesseract is to segment it."""

    image: Image.Image
    psm: int
    """`PHOTO_PSM` for a page that is one image (read as that image is as a photo), else `PAGE_PSM`."""


def _images(page: pdfium.PdfPage) -> list[pdfium.PdfImage]:
    return [obj for obj in page.get_objects(max_depth=1) if isinstance(obj, pdfium.PdfImage)]


def _pixels(image: pdfium.PdfImage) -> int:
    width, height = image.get_px_size()
    return int(width) * int(height)


def _sole_image(page: pdfium.PdfPage) -> pdfium.PdfImage | None:
    """The page's one image when the page draws nothing else and the image fills exactly its crop box; else None.

    Only an opaque image placed upright (or mirrored) is taken: its pixels are then the page's, one to one. An
    image turned by its matrix, or one the page shows through, is left to the page's rendering, which turns it
    and lays it on white paper as a viewer does.
    """
    if pdfium_c.FPDFPage_CountObjects(page) != 1 or pdfium_c.FPDFPage_GetAnnotCount(page) != 0:
        return None
    images = _images(page)
    if len(images) != 1:
        return None
    [image] = images
    matrix = image.get_matrix()
    if matrix.b != 0 or matrix.c != 0 or pdfium_c.FPDFPageObj_HasTransparency(image):
        return None
    crop = page.get_cropbox()
    edges = image.get_bounds()
    if any(abs(edge - side) > _EDGE_SLACK for edge, side in zip(edges, crop, strict=True)):
        return None
    if not 0 < _pixels(image) <= MAX_OCR_PIXELS or _see_through(image):
        return None
    return image


def _see_through(image: pdfium.PdfImage) -> bool:
    """True if the image has pixels the page shows through: it carries a mask of its own (/SMask, /Mask).

    PDFium's transparency check reads the graphics state (a fill opacity, a soft mask there), not the image's own
    mask; and the image's own pixels hold whatever colour lies under its clear parts (a transparent PNG's is
    often black: a black page to OCR, where a viewer shows the text on white). So the image is drawn with its
    mask, at its own size, and its alpha read.
    """
    # As with the own pixels: the bitmap's buffer is freed once dropped (closing it by hand logs a warning).
    shown = image.get_bitmap(render=True).to_pil()
    return "A" in shown.getbands() and bool(shown.getchannel("A").getextrema()[0] < 255)


def _own_pixels(page: pdfium.PdfPage, image: pdfium.PdfImage) -> Image.Image:
    """The image's own decoded pixels (PDFium's colour conversion), placed as the page shows them."""
    # PDFium owns this bitmap's buffer, freed once the buffer is dropped (closing it by hand logs a warning):
    # the copy is Pillow's own, kept after the bitmap is gone.
    pixels: Image.Image = image.get_bitmap(render=False).to_pil().copy()
    matrix = image.get_matrix()
    # An image's first row is its top when its matrix goes up the page (d > 0), as PDF draws it unmirrored.
    if matrix.a < 0:
        pixels = pixels.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    if matrix.d < 0:
        pixels = pixels.transpose(Image.Transpose.FLIP_TOP_BOTTOM)
    turn = _SHOWN_TURNED.get(page.get_rotation() % 360)
    return pixels if turn is None else pixels.transpose(turn)


def _pixels_per_point(image: pdfium.PdfImage) -> float | None:
    """How many of the image's pixels one point of the page holds, None for an image of no size."""
    left, bottom, right, top = image.get_bounds()
    across, down = right - left, top - bottom
    width, height = (int(side) for side in image.get_px_size())
    if across <= 0 or down <= 0 or width <= 0 or height <= 0:
        return None
    if (width < height) != (across < down):  # placed turned a quarter: its rows run down the page
        width, height = height, width
    # The smaller of the two: a scan stretched a little to the page's shape is not scaled up along either side.
    return float(min(width / across, height / down))


def _scan_scale(page: pdfium.PdfPage) -> float | None:
    """Pixels per point that keep the page's largest image at its own resolution, if images cover most of it.

    None when they do not, or when that image has under 72 dpi on the page: then it is not the page's scan.
    """
    if covered_by_images(page) < SCAN_SHARE:
        return None
    largest = max(_images(page), key=_pixels, default=None)
    scale = None if largest is None else _pixels_per_point(largest)
    return scale if scale is not None and scale >= _LEAST_SCAN_SCALE else None


def _render(page: pdfium.PdfPage, scale: float) -> Image.Image:
    """The page in grey at `scale` pixels per point, scaled down to at most `MAX_OCR_PIXELS`."""
    width, height = page.get_size()
    pixels = width * height * scale * scale
    if pixels > MAX_OCR_PIXELS:
        scale *= math.sqrt(MAX_OCR_PIXELS / pixels)
    # PDFium's size is the page's times the scale rounded up: 1240.0000001 pixels (a 150 dpi A4 scan) would be
    # 1241, and every pixel of the scan resampled. A hair less keeps whole sizes whole.
    scale *= 1 - 1e-9
    bitmap = page.render(scale=scale, grayscale=True)
    try:
        image: Image.Image = bitmap.to_pil().copy()  # to_pil() may share the bitmap's buffer
    finally:
        bitmap.close()
    return image


def image_for_ocr(page: pdfium.PdfPage, dpi: int) -> PageImage:
    """What OCR reads of the page (the caller holds PDFium's lock).

    A page that is one image covering it: that image at its own pixels, read as a photo of it is (`PHOTO_PSM`),
    so the same scan reads the same as a JPEG or as a PDF page. A page its images cover most of: the page
    rendered in grey at its largest image's resolution. Any other page: rendered in grey at `dpi`. Both
    renderings are read with `PAGE_PSM`. A scan finer than `dpi` (600 dpi from an office scanner) is rendered at
    `dpi`, as before scans were read at their own pixels: tesseract reads it no better, four times as slowly.
    Never more than `MAX_OCR_PIXELS`.
    """
    finest = dpi / 72
    image = _sole_image(page)
    if image is not None:
        scale = _pixels_per_point(image)
        if scale is not None and scale > finest:
            return PageImage(_render(page, finest), PHOTO_PSM)
        return PageImage(_own_pixels(page, image), PHOTO_PSM)
    scale = _scan_scale(page)
    return PageImage(_render(page, finest if scale is None else min(scale, finest)), PAGE_PSM)
