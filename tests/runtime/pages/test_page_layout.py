"""Page images and where evidence stands on them, checked against where reportlab drew the text."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas

from claimflow.runtime.ingest import parse_document
from claimflow.runtime.pages import Box, NoPageImageError, NoSuchPageError, read_page
from tests.integration._docs import invoice_text, text_pdf

PAGE_WIDTH, PAGE_HEIGHT = A4
FONT, SIZE = "Helvetica", 12  # reportlab's default for drawString
LEFT, FIRST_BASELINE, LEADING = 72, 800, 16  # where text_pdf draws its lines


def drawn_box(line: int, text: str, before: str = "", *, scale: float) -> Box:
    """Where reportlab drew `text` on line `line` of a text_pdf page (after `before` on that line), in pixels."""
    left = LEFT + stringWidth(before, FONT, SIZE)
    right = left + stringWidth(text, FONT, SIZE)
    baseline = PAGE_HEIGHT - (FIRST_BASELINE - LEADING * line)
    # From the baseline up to Helvetica's cap height (0.718 of the font size).
    return Box(left * scale, (baseline - 0.718 * SIZE) * scale, right * scale, baseline * scale)


def assert_over(box: Box, expected: Box, slack: float) -> None:
    """`box` covers the drawn text, from its cap height to its baseline, and not much more.

    Above and below, a box may take in the font's ascent and descent (PDF glyph boxes do; tesseract's
    word boxes end at the baseline when no letter descends), at most half the font size each way.
    """
    room = 0.5 * SIZE * (expected.height / (0.718 * SIZE))
    assert abs(box.left - expected.left) <= slack, (box, expected)
    assert abs(box.right - expected.right) <= slack, (box, expected)
    assert box.top <= expected.top + slack and box.bottom >= expected.bottom - slack, (box, expected)
    assert box.top >= expected.top - room and box.bottom <= expected.bottom + room, (box, expected)


def span(text: str, quote: str) -> tuple[int, int]:
    start = text.index(quote)
    return start, start + len(quote)


def test_a_pdf_quote_is_boxed_where_reportlab_drew_it() -> None:
    data = text_pdf(invoice_text())
    text = parse_document(data, "invoice.pdf").pages[0]
    page = read_page(data, "application/pdf", 1, text)
    scale = page.width / PAGE_WIDTH
    assert scale == pytest.approx(2.0, rel=0.01)
    assert Image.open(io.BytesIO(page.png)).size == (page.width, page.height)

    boxes = page.boxes(*span(text, "30.00 GBP"))
    assert len(boxes) == 1
    assert_over(boxes[0], drawn_box(7, "30.00 GBP", "VAT 20% ", scale=scale), slack=3)


def test_a_quote_over_two_lines_gets_one_box_per_line() -> None:
    data = text_pdf(invoice_text())
    text = parse_document(data, "invoice.pdf").pages[0]
    page = read_page(data, "application/pdf", 1, text)
    scale = page.width / PAGE_WIDTH
    boxes = page.boxes(*span(text, "Ltd\n14 Harbour"))
    assert len(boxes) == 2
    assert_over(boxes[0], drawn_box(1, "Ltd", "Seller: Northwind Widgets ", scale=scale), slack=3)
    assert_over(boxes[1], drawn_box(2, "14 Harbour", scale=scale), slack=3)


def hidden_text_pdf() -> bytes:
    """An invoice with a line of invisible text (render mode 3) above the total, and white text beside it."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    lines = invoice_text().splitlines()
    for number, line in enumerate(lines):
        y = FIRST_BASELINE - LEADING * number
        if line.startswith("Total"):
            pdf.saveState()  # the render mode is graphics state: it must not reach the visible lines
            hidden = pdf.beginText(LEFT, y + 8)
            hidden.setTextRenderMode(3)
            hidden.textLine("Total 0.03 GBP invisible")
            pdf.drawText(hidden)
            pdf.setFillColorRGB(1, 1, 1)
            pdf.drawString(LEFT + 300, y, "Total 0.04 GBP")
            pdf.restoreState()
        pdf.drawString(LEFT, y, line)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def test_offsets_count_only_the_text_a_reader_sees() -> None:
    data = hidden_text_pdf()
    text = parse_document(data, "hidden.pdf").pages[0]
    assert "0.03" not in text and "0.04" not in text  # the ingest dropped them: offsets skip them
    page = read_page(data, "application/pdf", 1, text)
    scale = page.width / PAGE_WIDTH
    start = text.rindex("180.00")
    (box,) = page.boxes(start, start + len("180.00 GBP"))
    assert_over(box, drawn_box(8, "180.00 GBP", "Total ", scale=scale), slack=3)


def scan_png() -> tuple[bytes, float]:
    """The invoice as a scanned page: a PNG of the PDF's page at 200 dpi, with no text layer."""
    data = text_pdf(invoice_text())
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    bitmap = pdf[0].render(scale=200 / 72, grayscale=True)
    image = bitmap.to_pil().copy()
    pdf.close()
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue(), 200 / 72


@pytest.mark.ocr
def test_a_scanned_quote_is_boxed_over_its_words() -> None:
    data, scale = scan_png()
    text = parse_document(data, "scan.png").pages[0]
    page = read_page(data, "image/png", 1, text)
    assert (page.width, page.height) == Image.open(io.BytesIO(data)).size
    (box,) = page.boxes(*span(text, "30.00 GBP"))
    assert_over(box, drawn_box(7, "30.00 GBP", "VAT 20% ", scale=scale), slack=6)
    (number,) = page.boxes(*span(text, "NW-2024-0117"))
    assert_over(number, drawn_box(3, "NW-2024-0117", "Invoice No.: ", scale=scale), slack=6)


@pytest.mark.ocr
@pytest.mark.parametrize("turn", [Image.Transpose.ROTATE_90, Image.Transpose.ROTATE_270])
def test_a_quote_on_a_photo_turned_a_quarter_gets_one_box_per_line(turn: Image.Transpose) -> None:
    # Stored sideways, without an EXIF tag: its lines run down the image, and each is one box all the same.
    data, _ = scan_png()
    buffer = io.BytesIO()
    Image.open(io.BytesIO(data)).transpose(turn).save(buffer, format="PNG")
    text = parse_document(buffer.getvalue(), "sideways.png").pages[0]
    page = read_page(buffer.getvalue(), "image/png", 1, text)

    (box,) = page.boxes(*span(text, "VAT 20% 30.00 GBP"))
    assert box.height > 4 * box.width  # the line, standing on end
    assert len(page.boxes(*span(text, "Invoice No.: NW-2024-0117\nInvoice Date: 05.03.2024"))) == 2


def test_text_documents_have_no_page_image_and_pages_are_counted() -> None:
    with pytest.raises(NoPageImageError):
        read_page(b"INVOICE\nTotal 1.00", "text/plain", 1, "INVOICE\nTotal 1.00")
    data = text_pdf("one\fpage two")
    with pytest.raises(NoSuchPageError, match="2 page"):
        read_page(data, "application/pdf", 3, "")


def test_a_span_outside_the_page_text_has_no_box() -> None:
    data = text_pdf(invoice_text())
    text = parse_document(data, "invoice.pdf").pages[0]
    page = read_page(data, "application/pdf", 1, text)
    assert page.boxes(len(text) - 2, len(text) + 5) == []
    assert page.boxes(5, 5) == []
