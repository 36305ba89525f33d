"""One A4 page drawn by a test: the canvas comes with Helvetica 12 set, and the PDF's bytes are the same each time."""

from __future__ import annotations

import io
from collections.abc import Callable

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas


def drawn_page(draw: Callable[[Canvas], None]) -> bytes:
    """A one-page PDF of what `draw` puts on the page."""
    buffer = io.BytesIO()
    pdf = Canvas(buffer, pagesize=A4, invariant=1)
    pdf.setFont("Helvetica", 12)
    draw(pdf)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
