"""PDF pages that stand turned: drawn turned on the page, or shown turned by the page's /Rotate."""

from __future__ import annotations

import io
from collections.abc import Callable

import pypdfium2 as pdfium
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from tests.runtime._drawn_pdf import drawn_page

Draw = Callable[[Canvas, float, float], None]
"""Draws a page's content on a canvas of the given width and height, as if upright."""


def drawn_turned(draw: Draw, clockwise: int) -> bytes:
    """An A4 page whose content is drawn turned `clockwise` degrees (0, 90, 180 or 270), /Rotate 0."""
    width, height = A4

    def turned(pdf: Canvas) -> None:
        pdf.translate(*{0: (0, 0), 90: (0, height), 180: (width, height), 270: (width, 0)}[clockwise])
        pdf.rotate(-clockwise)  # reportlab turns anticlockwise
        draw(pdf, *((height, width) if clockwise % 180 else (width, height)))

    return drawn_page(turned)


def shown_turned(data: bytes, rotate: int) -> bytes:
    """The PDF with its first page's /Rotate set: viewers show (and PDFium renders) the page turned clockwise."""
    pdf = pdfium.PdfDocument(data)
    pdf[0].set_rotation(rotate)
    buffer = io.BytesIO()
    pdf.save(buffer)
    pdf.close()
    return buffer.getvalue()
