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


def test_a_second_column_beside_a_first_one_with_a_gap_reads_after_all_of_the_first() -> None:
    top = [f"Left column, line {number}" for number in range(1, 5)]
    below = [f"Left column, after the figure, line {number}" for number in range(1, 5)]
    right = [f"Right column, line {number}" for number in range(1, 4)]

    def columns(pdf: Canvas) -> None:
        for start, lines, x in ((760, top, 60), (560, below, 60), (760, right, 320)):
            for number, line in enumerate(lines):
                pdf.drawString(x, start - 16 * number, line)

    assert _text(drawn_page(columns)) == [*top, *below, *right]


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


def _raw(*operators: str) -> bytes:
    """A page of content stream operators as written, Helvetica as `/F1`."""

    def draw(pdf: Canvas) -> None:
        for operator in operators:
            pdf._code.append(operator)

    return drawn_page(draw)


# Each page has its lines put in another order. The review page must read each as parsing stored it: the same
# text, so each quote is boxed at its own glyphs rather than found again by OCR.
_ORDERED_PAGES = {
    # A line ending in a carriage return the clipping path hides: no line break of its own.
    "hidden carriage return": _raw(
        "q 0 0 94.5 842 re W n BT /F1 12 Tf 72 700 Td (abc \\015) Tj ET Q",
        "BT /F1 12 Tf 72 680 Td (second line of the page) Tj ET",
        "BT /F1 12 Tf 72 760 Td (HEADER) Tj ET",
    ),
    # A control character PDFium's text range leaves out and its characters keep.
    "control character": _raw(
        "BT /F1 12 Tf 72 700 Td (ab\\002cd) Tj ET",
        "BT /F1 12 Tf 72 680 Td (second line of the page) Tj ET",
        "BT /F1 12 Tf 72 760 Td (HEADER) Tj ET",
    ),
    # A line ending in a carriage return of its own: with PDFium's break after it, a blank line.
    "carriage return": _raw(
        "BT /F1 12 Tf 72 700 Td (abc\\015) Tj ET",
        "BT /F1 12 Tf 72 680 Td (second line of the page) Tj ET",
        "BT /F1 12 Tf 72 760 Td (HEADER) Tj ET",
    ),
    # A word no one sees on a line of the body.
    "hidden word": _raw(
        "BT /F1 12 Tf 72 700 Td (Total) Tj 3 Tr ( secret) Tj 0 Tr ( 50.00 GBP) Tj ET",
        "BT /F1 12 Tf 72 680 Td (second line of the page) Tj ET",
        "BT /F1 12 Tf 72 760 Td (HEADER) Tj ET",
    ),
}


def test_the_review_page_reads_a_page_in_pdfiums_order_with_a_control_character_as_parsing_stored_it() -> None:
    data = _raw("BT /F1 12 Tf 72 760 Td (ab\\002cd) Tj ET", "BT /F1 12 Tf 72 740 Td (second line of the page) Tj ET")
    text = parse_document(data, "page.pdf").pages[0]

    page = read_page(data, "application/pdf", 1, text)

    assert page._layer_text == text and page._ocr is None


@pytest.mark.parametrize("name", sorted(_ORDERED_PAGES))
def test_the_review_page_reads_a_reordered_page_as_parsing_stored_it(name: str) -> None:
    data = _ORDERED_PAGES[name]
    text = parse_document(data, "page.pdf").pages[0]

    page = read_page(data, "application/pdf", 1, text)

    assert text.startswith("HEADER\n")
    assert page._layer_text == text and page._ocr is None
    at = text.index("second line")
    assert page.boxes(at, at + len("second line"))


def test_a_line_ending_in_a_carriage_return_keeps_its_blank_line_when_moved() -> None:
    text = parse_document(_ORDERED_PAGES["carriage return"], "page.pdf").pages[0]

    assert text.splitlines() == ["HEADER", "abc", "", "second line of the page"]


def test_a_hidden_word_on_a_moved_page_is_left_out() -> None:
    text = parse_document(_ORDERED_PAGES["hidden word"], "page.pdf").pages[0]

    assert text.splitlines() == ["HEADER", "Total 50.00 GBP", "second line of the page"]
