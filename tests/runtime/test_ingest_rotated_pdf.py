"""A PDF page shown turned (its /Rotate) or drawn turned reads in the order of the same page drawn upright."""

from __future__ import annotations

import pypdfium2 as pdfium
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from claimflow.runtime.ingest import parse_document
from claimflow.runtime.ingest.pdf import upright_textpage
from tests.integration._hidden_docs import PDF_HIDING, invoice_pdf
from tests.runtime._turned_pdf import drawn_turned, shown_turned


def _lines(pdf: Canvas, width: float, height: float) -> None:
    for number, line in enumerate(["ACME Widgets Ltd", "Invoice No.: INV-1001", "Invoice Date: 12 March 2024"]):
        pdf.drawString(72, height - 72 - 18 * number, line)
    pdf.drawString(72, height - 140, "Total")
    pdf.drawString(300, height - 140, "71.99 GBP")  # a label and its value, apart on one line


# The label and its value apart keep a column gap (two spaces), whichever way the page is turned.
UPRIGHT = ["ACME Widgets Ltd", "Invoice No.: INV-1001", "Invoice Date: 12 March 2024", "Total  71.99 GBP"]


def test_the_upright_page_reads_in_order() -> None:
    [page] = parse_document(drawn_turned(_lines, 0), "upright.pdf").pages

    assert page.splitlines() == UPRIGHT


# PDFium reads text that runs down the shown page last line first, and puts "Total" apart from "71.99 GBP";
# upside down it read "71.99 GBP Total". Every way a page can stand reads as the upright page does.
@pytest.mark.parametrize("rotate", [0, 90, 180, 270], ids=lambda rotate: f"Rotate-{rotate}")
@pytest.mark.parametrize("drawn", [0, 90, 180, 270], ids=lambda drawn: f"drawn-{drawn}")
def test_a_turned_page_reads_as_the_upright_page(rotate: int, drawn: int) -> None:
    data = shown_turned(drawn_turned(_lines, drawn), rotate)

    [page] = parse_document(data, "turned.pdf").pages

    assert page.splitlines() == UPRIGHT


@pytest.mark.parametrize("rotate", [90, 270])
@pytest.mark.parametrize("hiding", sorted(PDF_HIDING))
def test_hidden_lines_stay_hidden_on_a_pageshown_turned(hiding: str, rotate: int) -> None:
    [upright] = parse_document(invoice_pdf(hiding), "upright.pdf").pages

    [turned] = parse_document(shown_turned(invoice_pdf(hiding), rotate), "turned.pdf").pages

    assert turned == upright
    assert "0.03" not in turned and "Subtotal" not in turned


def test_reading_a_turned_page_leaves_its_rotation_as_it_was() -> None:
    pdf = pdfium.PdfDocument(shown_turned(drawn_turned(_lines, 0), 90))
    page = pdf[0]

    textpage, rotation = upright_textpage(page)

    assert page.get_rotation() == 90
    assert rotation == 0  # its text is drawn upright on the page: read as drawn, not as shown
    assert page.get_size() == pytest.approx((A4[1], A4[0]))  # the size as shown, turned
    assert textpage.get_text_range().startswith("ACME Widgets Ltd")
    textpage.close()
    page.close()
    pdf.close()


def test_a_page_of_mostly_upright_text_keeps_a_sideways_note_and_its_own_order() -> None:
    def with_margin_note(pdf: Canvas, width: float, height: float) -> None:
        _lines(pdf, width, height)
        pdf.saveState()
        pdf.translate(40, 200)
        pdf.rotate(90)
        pdf.drawString(0, 0, "Ref 77")  # runs up the margin, as printers' job numbers do
        pdf.restoreState()

    [page] = parse_document(drawn_turned(with_margin_note, 0), "note.pdf").pages

    assert page.splitlines()[:4] == UPRIGHT
    assert "Ref 77" in page
