"""An invoice that prints one total and hides another (`Total: 0.03`) where no reader can see it.

The visible invoice prints only its total, 180.00. The hidden lines add up (0.02 + 0.01 = 0.03), so to
code that reads them they are the better-supported figures. Each hidden form gets its own document,
written at test time: PDFs through reportlab, HTML as text.
"""

from __future__ import annotations

from collections.abc import Callable

from reportlab.pdfgen.canvas import Canvas

from tests.runtime._drawn_pdf import drawn_page

HIDDEN_TOTAL = "Total: 0.03"
HIDDEN_LINES = ("Subtotal 0.02 GBP", "VAT 20% 0.01 GBP", f"{HIDDEN_TOTAL} GBP")
VISIBLE_TOTAL = "180.00"

INVOICE_LINES = (
    "INVOICE",
    "Seller: Northwind Widgets Ltd",
    "14 Harbour Road, Bristol",
    "Invoice No.: {number}",
    "Invoice Date: 05.03.2024",
    "Due Date: 04.04.2024",
    None,
    f"Total {VISIBLE_TOTAL} GBP",
)
"""The invoice's lines; None marks where the hidden lines are written, `{number}` the invoice number."""


def _invisible_mode(pdf: Canvas, x: float, y: float, line: str) -> None:
    text = pdf.beginText(x, y)
    text.setTextRenderMode(3)
    text.textOut(line)
    text.setTextRenderMode(0)
    pdf.drawText(text)


def _white(pdf: Canvas, x: float, y: float, line: str) -> None:
    pdf.setFillColorRGB(1, 1, 1)
    pdf.drawString(x, y, line)
    pdf.setFillColorRGB(0, 0, 0)


def _off_page(pdf: Canvas, x: float, y: float, line: str) -> None:
    pdf.drawString(x, y + 2000, line)  # far above the top edge of the page


def _tiny(pdf: Canvas, x: float, y: float, line: str) -> None:
    # A literal 0 pt font is dropped by PDFium itself; 0.1 pt is as unreadable and still in the text layer.
    pdf.setFont("Helvetica", 0.1)
    pdf.drawString(x, y, line)
    pdf.setFont("Helvetica", 12)


def _clipped(pdf: Canvas, x: float, y: float, line: str) -> None:
    # `x y 1 1 re W n`: whatever is drawn until the state is restored shows only within a 1 x 1 pt box.
    pdf.saveState()
    pdf._code.append(f"{x:g} {y:g} 1 1 re W n")
    pdf.drawString(x, y, line)
    pdf.restoreState()


def _squeezed(pdf: Canvas, x: float, y: float, line: str) -> None:
    text = pdf.beginText(x, y)
    text.setHorizScale(1)  # `1 Tz`: each glyph 1% of its width, the line a few tenths of a point long
    text.textOut(line)
    text.setHorizScale(100)  # the scaling is part of the graphics state: it outlasts the text object
    pdf.drawText(text)


def _faint(pdf: Canvas, x: float, y: float, line: str) -> None:
    pdf.setFillAlpha(0.02)  # an ExtGState with `/ca 0.02`
    pdf.drawString(x, y, line)
    pdf.setFillAlpha(1)


PDF_HIDING: dict[str, Callable[[Canvas, float, float, str], None]] = {
    "render-mode-3": _invisible_mode,
    "white-on-white": _white,
    "off-page": _off_page,
    "tiny-font": _tiny,
    "clipped-away": _clipped,
    "horizontal-scale-1": _squeezed,
    "fill-opacity-2": _faint,
}
"""How each hidden form draws a hidden line at (x, y)."""


def invoice_pdf(hiding: str, number: str = "NW-2024-0117") -> bytes:
    """The invoice as a one-page PDF, with the hidden lines drawn in the given form."""

    def lines(pdf: Canvas) -> None:
        y = 800.0
        for line in INVOICE_LINES:
            for drawn in HIDDEN_LINES if line is None else (line,):
                if line is None:
                    PDF_HIDING[hiding](pdf, 72, y, drawn)
                else:
                    pdf.drawString(72, y, drawn.format(number=number))
                y -= 16

    return drawn_page(lines)


HTML_HIDING: dict[str, str] = {
    "display-none": '<div style="display:none">{}</div>',
    "visibility-hidden": '<div style="color: red; visibility : hidden">{}</div>',
    "font-size-0": '<div style="font-size:0">{}</div>',
    "opacity-0": '<div style="opacity:0">{}</div>',
    "hidden-attribute": "<div hidden>{}</div>",
    "aria-hidden": '<div aria-hidden="true">{}</div>',
    "style-rule-class": '<div class="note fine-print">{}</div>',
    "style-rule-id": '<div id="t">{}</div>',
    "style-rule-tag": "<aside>{}</aside>",
    "color-transparent": '<div style="color:transparent">{}</div>',
    "color-rgba-alpha-0": '<div style="color: rgba(0, 0, 0, 0)">{}</div>',
    "white-on-white": '<div style="color:#FFF">{}</div>',
    "same-as-background": '<div style="background:#ffffe0"><div style="color:rgb(255 255 224)">{}</div></div>',
    "off-screen": '<div style="position:absolute; left:-9999px">{}</div>',
    "text-indent": '<div style="text-indent:-9999px">{}</div>',
    "scale-0": '<div style="transform: scale(0)">{}</div>',
    "height-0-overflow-hidden": '<div style="height:0;overflow:hidden">{}</div>',
    "closed-details": "<details><summary></summary>{}</details>",
    "closed-dialog": "<dialog>{}</dialog>",
}
"""How each HTML form wraps the hidden lines."""

_STYLE = (
    "<style>/* printed copies only */ .fine-print { font-size: 0px }\n"
    "#t{display:none !important} aside, .unused { visibility:hidden; }</style>"
)


def invoice_html(hiding: str, number: str = "NW-2024-0117") -> str:
    """The invoice as an HTML page, one paragraph per line, with the hidden lines wrapped in the given form."""
    hidden = HTML_HIDING[hiding].format("".join(f"<p>{line}</p>" for line in HIDDEN_LINES))
    body = "\n".join(hidden if line is None else f"<p>{line.format(number=number)}</p>" for line in INVOICE_LINES)
    return f"<!doctype html><html><head><title>Invoice</title>{_STYLE}</head><body>\n{body}\n</body></html>\n"
