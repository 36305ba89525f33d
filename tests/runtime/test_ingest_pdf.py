"""PDF ingestion: text layers, OCR of scanned pages, and the ways a PDF can be refused."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from PIL import Image
from pypdfium2 import PdfDocument
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from claimflow.nodes.ports import DocumentUnreadableError
from claimflow.runtime.ingest import (
    CorruptDocumentError,
    DocumentTooLargeError,
    EmptyDocumentError,
    EncryptedDocumentError,
    IngestLimits,
    OcrUnavailableError,
    parse_document,
)
from claimflow.runtime.parsing import IngestParser

DAMAGED = "The PDF could not be read: it is damaged or cut off (PDFium: Data format error)."
"""What a PDF cut off part-way, or bytes that only start like one, fail with."""
THREE_PAGES = [
    ["ACME Widgets Ltd", "Invoice No.: INV-1001", "Invoice Date: 12 March 2024"],
    ["Line items continued", "Blue widget 4 x 12.50 = 50.00", "Red widget 1 x 9.99 = 9.99"],
    ["Subtotal 59.99", "VAT 20% 12.00", "Total 71.99"],
]


def test_text_pdf_gives_one_text_per_page_in_order(text_pdf):
    parsed = parse_document(text_pdf(THREE_PAGES), "invoice.pdf")

    assert parsed.media_type == "application/pdf"
    assert parsed.method == "text-layer"
    assert len(parsed.pages) == 3
    assert "Invoice No.: INV-1001" in parsed.pages[0]
    assert "Blue widget 4 x 12.50 = 50.00" in parsed.pages[1]
    assert "Blue widget" not in parsed.pages[0] + parsed.pages[2]
    assert "Total 71.99" in parsed.pages[2]


def test_text_pdf_lines_are_separated_by_plain_newlines(text_pdf):
    parsed = parse_document(text_pdf(THREE_PAGES), "invoice.pdf")

    page = parsed.pages[0]
    assert "\r" not in page and "\f" not in page
    assert page.splitlines()[:2] == ["ACME Widgets Ltd", "Invoice No.: INV-1001"]


def test_blank_page_is_kept_empty_without_ocr(text_pdf, no_tesseract):
    parsed = parse_document(text_pdf([THREE_PAGES[0], []]), "with-blank-page.pdf")

    assert parsed.method == "text-layer"
    assert parsed.pages[1] == ""


def test_text_layer_threshold_zero_never_ocrs(text_pdf, no_tesseract):
    parsed = parse_document(text_pdf([["p. 2"]]), "short.pdf", IngestLimits(min_chars_for_text_layer=0))

    assert parsed.pages == ("p. 2",)


def test_thin_text_layer_needs_ocr(text_pdf, no_tesseract):
    with pytest.raises(OcrUnavailableError, match="apt-get install tesseract-ocr"):
        parse_document(text_pdf([["p. 2"]]), "short.pdf")


def test_password_protected_pdf_is_refused(text_pdf: Callable[..., bytes]) -> None:
    with pytest.raises(EncryptedDocumentError) as raised:
        parse_document(text_pdf(THREE_PAGES, encrypt="secret"), "locked.pdf")
    assert str(raised.value) == (
        "The PDF could not be read: it is protected by a password (PDFium: Incorrect password error); "
        "send a copy saved without a password."
    )


@pytest.mark.parametrize("keep", [0.3, 0.6, 0.9])
def test_truncated_pdf_is_corrupt_and_says_so_in_plain_words(text_pdf: Callable[..., bytes], keep: float) -> None:
    data = text_pdf(THREE_PAGES)
    cut = data[: int(len(data) * keep)]
    assert cut.startswith(b"%PDF-")  # a valid header, cut off part-way

    with pytest.raises(CorruptDocumentError) as raised:
        parse_document(cut, "truncated.pdf")
    assert str(raised.value) == DAMAGED
    # The run's failure reason is that same sentence: PDFium's own text only in brackets.
    with pytest.raises(DocumentUnreadableError) as failed:
        IngestParser()(cut, "truncated.pdf")
    assert str(failed.value) == DAMAGED


def test_garbage_after_pdf_header_is_corrupt():
    with pytest.raises(CorruptDocumentError):
        parse_document(b"%PDF-1.7\n" + bytes(range(256)) * 8, "garbled.pdf")


def test_pdf_extension_without_pdf_bytes_is_corrupt():
    with pytest.raises(CorruptDocumentError):
        parse_document(b"\x01\x02\x03 not a pdf at all \x04" * 10, "report.pdf")


def test_pdf_over_the_page_limit_is_refused(text_pdf):
    with pytest.raises(DocumentTooLargeError, match="3 pages; at most 2"):
        parse_document(text_pdf(THREE_PAGES), "long.pdf", IngestLimits(max_pages=2))


def test_pdf_without_any_text_is_empty(text_pdf):
    with pytest.raises(EmptyDocumentError):
        parse_document(text_pdf([[], []]), "blank.pdf")


def _reboxed(data: bytes, **boxes: tuple[float, float, float, float]) -> bytes:
    """The PDF with its first page's boxes written anew, e.g. `mediabox=(595, 842, 0, 0)`."""
    pdf = PdfDocument(data)
    for name, corners in boxes.items():
        getattr(pdf[0], f"set_{name}")(*corners)
    buffer = io.BytesIO()
    pdf.save(buffer)
    pdf.close()
    return buffer.getvalue()


# A box may be written with any two opposite corners, and a page without a media box is US Letter; viewers show
# such pages, and PDFium renders them. Read as written, every character fell outside the box and was dropped as
# hidden: the text layer was lost, and the page was OCRed (or failed, without tesseract).
@pytest.mark.parametrize(
    "boxes",
    [
        {"mediabox": (595.28, 841.89, 0, 0)},
        {"cropbox": (595.28, 841.89, 0, 0)},
        {"mediabox": (0, 0, 0, 0), "cropbox": (0, 0, 0, 0)},
    ],
    ids=["media-box-corners-swapped", "crop-box-corners-swapped", "no-media-box"],
)
def test_a_page_box_written_unusually_keeps_the_text_layer(text_pdf, no_tesseract, boxes):
    parsed = parse_document(_reboxed(text_pdf([THREE_PAGES[2]]), **boxes), "boxed.pdf")

    assert parsed.method == "text-layer"
    assert parsed.pages == ("Subtotal 59.99\nVAT 20% 12.00\nTotal 71.99",)


# A crop box outside the media box leaves nothing to see, and nothing PDFium can render: a bare ValueError before.
def test_a_page_cropped_to_nothing_shows_no_text(text_pdf, no_tesseract):
    data = _reboxed(text_pdf([THREE_PAGES[0]]), cropbox=(1000, 1000, 1200, 1200))

    with pytest.raises(EmptyDocumentError, match="No text was found"):
        parse_document(data, "cropped-away.pdf")


@pytest.mark.ocr
def test_scanned_pdf_is_ocred(scanned_pdf, text_image):
    page = text_image(["NORTHWIND TRADING", "Invoice 4471", "TOTAL 160.65"])

    parsed = parse_document(scanned_pdf([page]), "scan.pdf")

    assert parsed.method == "ocr"
    assert parsed.ocr_pages == (1,)
    assert "NORTHWIND TRADING" in parsed.pages[0]
    assert "TOTAL 160.65" in parsed.pages[0]


@pytest.mark.ocr
def test_mixed_pdf_ocrs_only_the_scanned_page(text_pdf, scanned_pdf, text_image):
    text_page = text_pdf([THREE_PAGES[0]])
    scan = scanned_pdf([text_image(["Delivery note", "TOTAL 42.00"])])
    merged = PdfDocument.new()
    for part in (text_page, scan):
        source = PdfDocument(part)
        merged.import_pages(source)
        source.close()
    buffer = io.BytesIO()
    merged.save(buffer)
    merged.close()

    parsed = parse_document(buffer.getvalue(), "mixed.pdf")

    assert parsed.method == "text-layer+ocr"
    assert parsed.ocr_pages == (2,)
    assert "Invoice No.: INV-1001" in parsed.pages[0]
    assert "TOTAL 42.00" in parsed.pages[1]


@pytest.mark.ocr
def test_scanned_pdf_of_a_blank_image_is_empty(scanned_pdf):
    with pytest.raises(EmptyDocumentError, match="even after OCR"):
        parse_document(scanned_pdf([Image.new("RGB", (800, 1000), "white")]), "blank-scan.pdf")


def _a4(lines: Image.Image) -> Image.Image:
    """`lines` near the top of a white A4 page scanned at 150 dpi."""
    page = Image.new("RGB", (1240, 1754), "white")
    page.paste(lines, (60, 100))
    return page


def _stamped(image: Image.Image, stamp: list[str], *, size: int = 8) -> bytes:
    """An image filling an A4 page, `stamp` drawn over its top as a text layer (a fax header, a filing stamp)."""
    buffer = io.BytesIO()
    pdf = Canvas(buffer, pagesize=A4, invariant=1)
    pdf.drawImage(ImageReader(image), 0, 0, *A4)
    pdf.setFont("Helvetica", size)
    for number, line in enumerate(stamp):
        pdf.drawString(20, A4[1] - 14 - 1.5 * size * number, line)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


@pytest.mark.ocr
def test_a_scan_under_a_stamped_text_line_is_read_by_ocr(text_image):
    scan = _a4(text_image(["NORTHWIND TRADING", "Invoice 4471", "Invoice Date 12.03.2024", "TOTAL 160.65"]))
    header = "Received 2024-03-15 10:22 via FAX from +44 20 7946 0000 - Page 1 of 1"

    parsed = parse_document(_stamped(scan, [header]), "faxed.pdf")

    assert parsed.method == "ocr"
    assert parsed.ocr_pages == (1,)
    assert "Invoice 4471" in parsed.pages[0]
    assert "TOTAL 160.65" in parsed.pages[0]
    assert "Received 2024-03-15" in parsed.pages[0]  # the stamp is on the rendering OCR reads


@pytest.mark.ocr
def test_a_short_text_layer_over_a_full_page_picture_is_kept():
    # A designed page: a tinted picture behind all of it, its few lines in the text layer; OCR reads no more.
    lines = ["NORTHWIND TRADING", "Invoice 4471", "TOTAL 160.65"]
    background = Image.linear_gradient("L").resize((1240, 1754)).point(lambda value: 215 + value // 8)

    parsed = parse_document(_stamped(background, lines, size=14), "designed.pdf")

    assert parsed.method == "text-layer"
    assert parsed.ocr_pages == ()
    assert parsed.pages[0].splitlines() == lines


def _text_under(image: Image.Image, lines: list[str]) -> bytes:
    """A scan as some scanners save it: their OCR's text painted first, the page image over it."""
    buffer = io.BytesIO()
    pdf = Canvas(buffer, pagesize=A4, invariant=1)
    for number, line in enumerate(lines):
        pdf.drawString(72, 700 - 18 * number, line)
    pdf.drawImage(ImageReader(image), 0, 0, *A4)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


@pytest.mark.ocr
def test_a_scanners_ocr_under_the_page_image_is_not_the_pages_text(text_image):
    shown = ["NORTHWIND TRADING", "Invoice 4471", "TOTAL 160.65"]
    misread = ["NORTHWIND TRADING", "Invoice 4471", "TOTAL 168.65"]  # the scanner's reading, hidden by its image

    parsed = parse_document(_text_under(_a4(text_image(shown)), misread), "searchable.pdf")

    assert parsed.method == "ocr"
    assert parsed.ocr_pages == (1,)
    assert "TOTAL 160.65" in parsed.pages[0]
    assert "168.65" not in parsed.pages[0]


def test_text_under_a_picture_covering_part_of_the_page_is_kept(text_pdf, no_tesseract):
    # A logo drawn over the top of a text page: not a scan, and its text is the page's.
    buffer = io.BytesIO()
    pdf = Canvas(buffer, pagesize=A4, invariant=1)
    for number, line in enumerate(THREE_PAGES[0]):
        pdf.drawString(72, 770 - 18 * number, line)
    pdf.drawImage(ImageReader(Image.new("RGB", (200, 100), "navy")), 60, 720, 200, 100)
    pdf.showPage()
    pdf.save()

    assert parse_document(buffer.getvalue(), "letterhead.pdf").pages[0].splitlines() == THREE_PAGES[0]
