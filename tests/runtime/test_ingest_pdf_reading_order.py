"""A PDF page's text reads top to bottom where the page draws a block out of order: a header drawn last, a
footer drawn first. Columns and what PDFium already reads in order stay as they are."""

from __future__ import annotations

import pypdfium2 as pdfium
import pytest
from reportlab.pdfgen.canvas import Canvas

from claimflow.runtime.ingest import parse_document
from claimflow.runtime.pages import read_page
from tests.runtime._drawn_pdf import drawn_page
from tests.runtime._turned_pdf import drawn_turned, shown_turned

HEADER = "ACME Widgets Ltd - Invoice INV-1001"
BODY = ["Invoice Date: 12 March 2024", "Widgets 10 x 5.00", "Total 50.00 GBP", "Payable within 30 days"]
FOOTER = "Bank: Example Bank, IBAN GB29 NWBK 6016 1331 9268 19"


def _body(pdf: Canvas, height: float) -> None:
    for number, line in enumerate(BODY):
        pdf.drawString(72, height - 140 - 18 * number, line)


def _header_last(pdf: Canvas, width: float, height: float) -> None:
    _body(pdf, height)
    pdf.drawString(72, height - 80, HEADER)


def _footer_first(pdf: Canvas, width: float, height: float) -> None:
    pdf.drawString(72, 40, FOOTER)
    _body(pdf, height)


def _text(data: bytes) -> list[str]:
    [page] = parse_document(data, "page.pdf").pages
    return page.splitlines()


@pytest.mark.parametrize("rotate", [0, 90, 180, 270], ids=lambda rotate: f"Rotate-{rotate}")
@pytest.mark.parametrize("drawn", [0, 90, 180, 270], ids=lambda drawn: f"drawn-{drawn}")
def test_a_header_drawn_last_is_read_first_however_the_page_is_turned(rotate: int, drawn: int) -> None:
    data = shown_turned(drawn_turned(_header_last, drawn), rotate)

    assert _text(data) == [HEADER, *BODY]


@pytest.mark.parametrize("drawn", [0, 90, 180, 270], ids=lambda drawn: f"drawn-{drawn}")
def test_a_footer_drawn_first_is_read_last(drawn: int) -> None:
    assert _text(drawn_turned(_footer_first, drawn)) == [*BODY, FOOTER]


def test_the_text_layer_of_a_page_drawn_in_order_is_pdfiums_as_it_was() -> None:
    data = drawn_turned(lambda pdf, width, height: (pdf.drawString(72, height - 80, HEADER), _body(pdf, height)), 0)
    pdf = pdfium.PdfDocument(data)
    textpage = pdf[0].get_textpage()
    pdfium_text = textpage.get_text_range().replace("\r\n", "\n")
    textpage.close()
    pdf.close()

    assert _text(data) == pdfium_text.splitlines() == [HEADER, *BODY]


def test_a_second_column_drawn_after_the_first_is_read_after_it() -> None:
    left = [f"Clause {number}: left column" for number in range(1, 6)]
    right = [f"Clause {number}: right column" for number in range(6, 11)]

    def columns(pdf: Canvas) -> None:
        for number, line in enumerate(left):
            pdf.drawString(60, 760 - 16 * number, line)
        for number, line in enumerate(right):
            pdf.drawString(320, 760 - 16 * number, line)

    text = _text(drawn_page(columns))

    assert [line for line in text if "left" in line] == left
    assert text.index(left[-1]) < text.index(right[0])


def test_a_superscript_drawn_after_its_paragraph_is_not_moved_to_the_top() -> None:
    lines = [f"Line {number} of the agreement between the parties" for number in range(1, 9)]

    def paragraph(pdf: Canvas) -> None:
        for number, line in enumerate(lines):
            pdf.drawString(72, 700 - 16 * number, line)
        pdf.setFont("Helvetica", 7)
        pdf.drawString(300, 700 - 16 * 3 + 5, "th")  # raised over line 4, drawn after the whole paragraph

    text = _text(drawn_page(paragraph))

    assert text[:8] == lines
    assert text[-1] == "th"


def test_text_no_reader_can_see_takes_no_part_in_the_order() -> None:
    # Seen, the tall line drawn under the header would join it and reach down into the body, and the two would
    # stand above nothing: the header would stay last.
    def header_over_hidden_text(pdf: Canvas) -> None:
        _body(pdf, 842)
        pdf.drawString(72, 842 - 80, HEADER)
        pdf.saveState()
        invisible = pdf.beginText(72, 842 - 140)
        invisible.setFont("Helvetica", 40)
        invisible.setTextRenderMode(3)  # neither filled nor stroked
        invisible.textLine("HIDDEN")
        pdf.drawText(invisible)
        pdf.restoreState()

    assert _text(drawn_page(header_over_hidden_text)) == [HEADER, *BODY]


@pytest.mark.parametrize("rotate", [0, 90])
def test_the_review_page_boxes_a_moved_line_at_its_own_glyphs(rotate: int) -> None:
    """The review page reads the text layer in the order parsing stored it: each quote leads to its glyphs."""
    data = shown_turned(drawn_turned(_header_last, 0), rotate)
    text = parse_document(data, "page.pdf").pages[0]
    header_at = text.index(HEADER)
    body_at = text.index(BODY[0])

    page = read_page(data, "application/pdf", 1, text)

    assert page._layer_text == text and page._ocr is None
    header = page.boxes(header_at, header_at + len(HEADER))
    body = page.boxes(body_at, body_at + len(BODY[0]))
    assert header and body
    if rotate == 0:
        assert max(box.bottom for box in header) < min(box.top for box in body)  # above the body, as it reads
    else:  # the page shown turned a quarter clockwise: its top is on the right
        assert min(box.left for box in header) > max(box.right for box in body)
