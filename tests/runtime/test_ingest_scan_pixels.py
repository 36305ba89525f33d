"""A scanned PDF page reaches OCR at the scan's own pixels, whatever size in points the page states.

Pillow's PDF writer states 72 dpi for a page that is one image, img2pdf 96 dpi when the image says none: rendered
at 300 dpi, such a page reached tesseract scaled up three or four times and smoothed, and read worse than the
image it holds.
"""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageChops, ImageStat
from pypdfium2 import PdfDocument
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from claimflow.runtime.ingest import IngestLimits, parse_document
from claimflow.runtime.ingest.pdf import PDFIUM_LOCK, image_for_ocr

RECEIPT = ["CORNER STORE", "2 x Coffee 7.00", "Muffin 3.25", "TOTAL 10.25", "Cash 20.00", "Change 9.75"]


def _one_image_page(image: Image.Image, dpi: float, *, rotate: int = 0) -> bytes:
    """A PDF whose one page is `image` and nothing else, its size stated at `dpi` (as a scanner app saves it).

    An image with an alpha channel keeps it, as the image's own soft mask (/SMask).
    """
    buffer = io.BytesIO()
    size = (image.width * 72 / dpi, image.height * 72 / dpi)
    pdf = Canvas(buffer, pagesize=size, invariant=1)
    # Flate: the page holds these very pixels
    pdf.drawImage(ImageReader(image), 0, 0, *size, mask="auto" if image.mode == "RGBA" else None)
    pdf.showPage()
    pdf.save()
    if not rotate:
        return buffer.getvalue()
    with PDFIUM_LOCK:
        turned = PdfDocument(buffer.getvalue())
        turned[0].set_rotation(rotate)  # shown turned, as a scanner app saves a page turned in its viewer
        out = io.BytesIO()
        turned.save(out)
        turned.close()
    return out.getvalue()


def _ocr_image(data: bytes) -> Image.Image:
    """What the ingest hands tesseract for the PDF's first page."""
    with PDFIUM_LOCK:
        pdf = PdfDocument(data)
        try:
            page = pdf[0]
            try:
                return image_for_ocr(page, IngestLimits().ocr_dpi).image
            finally:
                page.close()
        finally:
            pdf.close()


def _same_pixels(one: Image.Image, other: Image.Image) -> bool:
    return one.size == other.size and ImageChops.difference(one.convert("RGB"), other.convert("RGB")).getbbox() is None


@pytest.mark.parametrize("dpi", [72, 96, 200])
def test_a_page_that_is_one_image_is_read_at_the_images_own_pixels(text_image, dpi: int) -> None:
    scan = text_image(RECEIPT, size=18)

    read = _ocr_image(_one_image_page(scan, dpi))

    assert _same_pixels(read, scan)


@pytest.mark.parametrize(
    ("rotate", "turn"),
    [(90, Image.Transpose.ROTATE_270), (180, Image.Transpose.ROTATE_180), (270, Image.Transpose.ROTATE_90)],
)
def test_a_one_image_page_shown_turned_is_read_turned_as_shown(text_image, rotate: int, turn: Image.Transpose) -> None:
    scan = text_image(RECEIPT, size=18)

    read = _ocr_image(_one_image_page(scan, 72, rotate=rotate))

    assert _same_pixels(read, scan.transpose(turn))


def _clear(scan: Image.Image) -> Image.Image:
    """The scan as a transparent PNG holds it: black ink on clear pixels whose colour is black as well."""
    ink = ImageChops.invert(scan.convert("L"))
    clear = Image.new("RGBA", scan.size, (0, 0, 0, 0))
    clear.putalpha(ink)
    return clear


def test_a_one_image_page_the_page_shows_through_is_read_on_white_paper(text_image) -> None:
    # The image's own pixels are black all over: its text shows only through its mask, on the page's white.
    scan = text_image(RECEIPT, size=18)

    read = _ocr_image(_one_image_page(_clear(scan), 72))

    assert read.size == scan.size
    assert ImageStat.Stat(ImageChops.difference(read.convert("L"), scan.convert("L"))).mean[0] < 2


@pytest.mark.ocr
def test_a_transparent_scan_on_a_pdf_page_is_read(text_image) -> None:
    parsed = parse_document(_one_image_page(_clear(text_image(RECEIPT, size=18)), 72), "receipt.pdf")

    assert [line for line in parsed.pages[0].splitlines() if line] == RECEIPT


def test_a_scan_under_a_stamp_is_rendered_at_the_scans_resolution(text_image) -> None:
    # An A4 page scanned at 150 dpi, with a line of text drawn over it: the page is no longer its image alone.
    scan = Image.new("RGB", (1240, 1754), "white")
    scan.paste(text_image(RECEIPT, size=30), (60, 100))
    buffer = io.BytesIO()
    pdf = Canvas(buffer, pagesize=A4, invariant=1)
    pdf.drawImage(ImageReader(scan), 0, 0, *A4)
    pdf.setFont("Helvetica", 8)
    pdf.drawString(20, A4[1] - 14, "Received 2024-03-15 10:22 via FAX")
    pdf.showPage()
    pdf.save()

    read = _ocr_image(buffer.getvalue())

    assert read.size == scan.size  # 150 dpi, as scanned; not 2480 x 3508 at 300 dpi


SMALL_PRINT = [
    "CORNER STORE 12 Elm St",
    "Receipt 0048213 15/03/2024",
    "2 x Coffee 7.00",
    "Muffin 3.25",
    "GST 6% 0.62",
    "TOTAL 10.87",
    "Cash 20.00",
    "Change 9.13",
]


@pytest.mark.ocr
@pytest.mark.parametrize(("size", "dpi"), [(16, 72), (11, 96)])
def test_a_receipt_on_a_page_stated_at_72_or_96_dpi_is_read_right(text_image, size: int, dpi: int) -> None:
    # Rendered at 300 dpi these pages reached tesseract blown up and smoothed: "1? Elm St" and "Receipt 00467135"
    # (72 dpi), "Receipt 0046213" and "2? x Coffee" (96 dpi).
    parsed = parse_document(_one_image_page(text_image(SMALL_PRINT, size=size), dpi), "receipt.pdf")

    assert parsed.method == "ocr"
    assert [line for line in parsed.pages[0].splitlines() if line] == SMALL_PRINT


@pytest.mark.ocr
@pytest.mark.parametrize(("size", "dpi"), [(16, 72), (11, 96)])
def test_a_page_that_is_one_image_reads_as_that_image_does(text_image, encode, size: int, dpi: int) -> None:
    # The same scan sent as a PNG and as a PDF page of it: one reading, whatever wraps it.
    scan = text_image(SMALL_PRINT, size=size)

    as_pdf = parse_document(_one_image_page(scan, dpi), "receipt.pdf")
    as_image = parse_document(encode(scan, "PNG"), "receipt.png")

    assert as_pdf.pages == as_image.pages


@pytest.mark.parametrize("dpi", [450, 600])
def test_a_scan_finer_than_the_configured_dpi_is_read_at_that_dpi_not_at_its_own_pixels(text_image, dpi: int) -> None:
    # A 600 dpi page is four times the pixels of a 300 dpi one, which tesseract reads no better, four times as slowly.
    scan = text_image(RECEIPT, size=18 * dpi // 100)
    ocr_dpi = IngestLimits().ocr_dpi

    read = _ocr_image(_one_image_page(scan, dpi))

    expected = (scan.width * ocr_dpi / dpi, scan.height * ocr_dpi / dpi)
    assert all(abs(side - wanted) <= 1 for side, wanted in zip(read.size, expected, strict=True)), (read.size, expected)
