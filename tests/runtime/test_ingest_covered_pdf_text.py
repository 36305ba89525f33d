"""PDF text painted over by a later opaque shape is dropped; text a shape does not hide from sight is kept."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from reportlab.pdfgen.canvas import Canvas

from claimflow.runtime.ingest import parse_document
from tests.runtime._drawn_pdf import drawn_page
from tests.runtime._turned_pdf import shown_turned

_HEADER = "INVOICE Northwind Widgets Ltd NW-2024-0117"


def _pdf(draw: Callable[[Canvas], None]) -> bytes:
    def page(pdf: Canvas) -> None:
        pdf.drawString(72, 800, _HEADER)
        draw(pdf)

    return drawn_page(page)


def _painted_over(pdf: Canvas) -> None:
    pdf.drawString(72, 700, "Total: 0.03 GBP")
    pdf.setFillColorRGB(1, 1, 1)  # a box of the paper's white, drawn after the text
    pdf.rect(60, 690, 300, 30, fill=1, stroke=0)
    pdf.setFillColorRGB(0, 0, 0)
    pdf.drawString(72, 650, "Total 180.00 GBP")
    pdf.drawString(72, 600, "Net: 0.02 GBP")
    pdf.rect(60, 595, 200, 20, fill=1, stroke=0)  # black over black: a redaction
    pdf.beginForm("note")  # text inside a form XObject, painted over after the form
    pdf.setFont("Helvetica", 12)
    pdf.drawString(72, 560, "VAT: 0.01 GBP")
    pdf.endForm()
    pdf.doForm("note")
    pdf.setFillColorRGB(0.9, 0.9, 0.8)
    pdf.rect(60, 550, 200, 25, fill=1, stroke=0)


@pytest.mark.parametrize("rotate", [0, 90, 270])
def test_text_painted_over_by_a_later_opaque_shape_is_dropped(rotate: int) -> None:
    data = _pdf(_painted_over)

    [page] = parse_document(shown_turned(data, rotate) if rotate else data, "covered.pdf").pages

    assert page.splitlines() == [_HEADER, "Total 180.00 GBP"]


def test_text_a_shape_does_not_hide_is_kept() -> None:
    def shown(pdf: Canvas) -> None:
        pdf.drawString(72, 700, "Total 180.00 GBP")
        pdf.setFillColorRGB(1, 1, 0)
        pdf.setFillAlpha(0.4)  # a highlighter stroke: the text shows through
        pdf.rect(60, 695, 300, 20, fill=1, stroke=0)
        pdf.setFillAlpha(1)
        pdf.setFillColorRGB(0, 0, 0)
        pdf.drawString(72, 660, "Net 150.00 GBP")
        pdf.saveState()
        pdf._code.append("0 0 10 10 re W n")  # the box is clipped to a corner of the page: it paints nothing here
        pdf.setFillColorRGB(1, 1, 1)
        pdf.rect(60, 650, 300, 30, fill=1, stroke=0)
        pdf.restoreState()
        pdf.drawString(72, 620, "VAT 30.00 GBP")
        pdf.setFillColorRGB(0.9, 0.9, 0.9)  # a cell shaded after its text, and the text drawn again on top
        pdf.rect(60, 615, 300, 20, fill=1, stroke=0)
        pdf.setFillColorRGB(0, 0, 0)
        pdf.drawString(72, 620, "VAT 30.00 GBP")
        pdf.drawString(72, 580, "Due 04.04.2024")
        pdf.setFillColorRGB(1, 1, 1)
        pdf.rect(60, 575, 20.9, 20, fill=1, stroke=0)  # over the "D" alone: the rest still shows
        pdf.setFillColorRGB(0.2, 0.2, 0.6)  # a dark banner, and the page's last drawing: white text on it
        pdf.rect(60, 530, 300, 25, fill=1, stroke=0)
        pdf.setFillColorRGB(1, 1, 1)
        pdf.drawString(72, 538, "PAID")

    [page] = parse_document(_pdf(shown), "shown.pdf").pages

    assert page.splitlines() == [
        _HEADER,
        "Total 180.00 GBP",
        "Net 150.00 GBP",
        "VAT 30.00 GBP",  # PDFium reads a line drawn twice in one place once
        "ue 04.04.2024",
        "PAID",  # drawn after every shape on the page: none is over it
    ]
