"""PDFium's functions called with handles as addresses answer what the pointer-typed ones answer."""

from __future__ import annotations

import ctypes

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from reportlab.pdfgen.canvas import Canvas

from claimflow.runtime.ingest._pdfium_address import address_of, by_address
from tests.runtime._drawn_pdf import drawn_page


def _text_and_box(pdf: Canvas) -> None:
    pdf.drawString(72, 800, "Total 180.00 GBP")
    pdf.setFillColorRGB(0.9, 0.9, 0.9)
    pdf.rect(60, 700, 200, 30, fill=1, stroke=0)


def _page_pdf() -> bytes:
    return drawn_page(_text_and_box)


def test_objects_found_by_address_are_the_objects_pypdfium2_gives() -> None:
    document = pdfium.PdfDocument(_page_pdf())
    page = document[0]
    textpage = page.get_textpage()
    page_address = address_of(page.raw)
    count = pdfium_c.FPDFPage_CountObjects(page)
    assert count >= 2
    for index in range(count):
        pointer = pdfium_c.FPDFPage_GetObject(page, index)
        address = by_address("FPDFPage_GetObject")(page_address, index)
        assert address == address_of(pointer) == ctypes.cast(pointer, ctypes.c_void_p).value
        assert by_address("FPDFPageObj_GetType")(address) == pdfium_c.FPDFPageObj_GetType(pointer)
        left, bottom, right, top = (ctypes.c_float() for _ in range(4))
        assert by_address("FPDFPageObj_GetBounds")(address, left, bottom, right, top)
        assert right.value > left.value and top.value > bottom.value
    # The first character's text object, asked by the text page's address, is one of the page's objects.
    drawn_by = by_address("FPDFText_GetTextObject")(address_of(textpage.raw), 0)
    objects = {address_of(pdfium_c.FPDFPage_GetObject(page, index)) for index in range(count)}
    assert drawn_by in objects
    assert by_address("FPDFTextObj_GetTextRenderMode")(drawn_by) == pdfium_c.FPDF_TEXTRENDERMODE_FILL


def test_a_null_handle_is_none() -> None:
    document = pdfium.PdfDocument(_page_pdf())
    page = document[0]
    assert address_of(pdfium_c.FPDFPage_GetObject(page, 99)) is None
    assert by_address("FPDFPage_GetObject")(address_of(page.raw), 99) is None
