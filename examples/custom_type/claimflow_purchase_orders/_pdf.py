"""A purchase order as a one-page A4 PDF with a text layer (reportlab, invariant mode: same bytes every run)."""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from claimflow_purchase_orders._orders import Order

LEFT, RIGHT = 50.0, 545.0
DETAILS_X = 330.0
_QTY_X, _PRICE_X = 385.0, 465.0


def _party(pdf: Canvas, x: float, y: float, label: str, party: tuple[str, tuple[str, ...]]) -> float:
    """`Label: Name` with the address below it; returns the y below the block."""
    name, address = party
    pdf.setFont("Helvetica-Bold", 10)
    pdf.drawString(x, y, f"{label}:")
    pdf.setFont("Helvetica", 10)
    pdf.drawString(x + pdf.stringWidth(f"{label}: ", "Helvetica-Bold", 10), y, name)
    for line in address:
        y -= 13
        pdf.drawString(x, y, line)
    return y - 22


def _header(pdf: Canvas, order: Order) -> None:
    words = order.labels
    _, height = A4
    pdf.setFont("Helvetica-Bold", 20)
    pdf.drawRightString(RIGHT, height - 60, words["title"].upper())
    pdf.setFont("Helvetica-Bold", 13)
    pdf.drawString(LEFT, height - 90, order.buyer.name)
    pdf.setFont("Helvetica", 9)
    pdf.drawString(LEFT, height - 104, " · ".join(order.buyer.address))
    details = (
        (words["po_number"], order.number),
        (words["order_date"], order.date(order.order_date)),
        (words["delivery_date"], order.date(order.delivery_date)),
        (words["currency"], order.currency),
        (words["payment_terms"], order.payment_terms),
    )
    y = height - 140
    for label, value in details:
        pdf.setFont("Helvetica-Bold", 10)
        pdf.drawString(DETAILS_X, y, f"{label}:")
        pdf.setFont("Helvetica", 10)
        pdf.drawString(DETAILS_X + 105, y, value)
        y -= 15
    y = _party(pdf, LEFT, height - 140, words["buyer"], (order.buyer.name, order.buyer.address))
    y = _party(pdf, LEFT, y, words["supplier"], (order.supplier.name, order.supplier.address))
    _party(pdf, LEFT, y, words["ship_to"], (order.ship_to.name, order.ship_to.address))
    pdf.drawString(DETAILS_X, height - 230, f"{words['contact']}: {order.contact}")


def _table(pdf: Canvas, order: Order, top: float) -> float:
    words = order.labels
    pdf.setFillGray(0.9)
    pdf.rect(LEFT - 4, top - 5, RIGHT - LEFT + 8, 18, stroke=0, fill=1)
    pdf.setFillGray(0)
    pdf.setFont("Helvetica-Bold", 10)
    pdf.drawString(LEFT, top, words["description"])
    pdf.drawRightString(_QTY_X, top, words["quantity"])
    pdf.drawRightString(_PRICE_X, top, words["unit_price"])
    pdf.drawRightString(RIGHT, top, words["amount"])
    pdf.setFont("Helvetica", 10)
    y = top - 20
    for line in order.lines:
        pdf.drawString(LEFT, y, line.description)
        pdf.drawRightString(_QTY_X, y, str(line.quantity))
        pdf.drawRightString(_PRICE_X, y, order.money(line.unit_price))
        pdf.drawRightString(RIGHT, y, order.money(line.amount))
        y -= 16
    pdf.setLineWidth(0.5)
    pdf.line(LEFT - 4, y + 8, RIGHT + 4, y + 8)
    return y - 14


def render_pdf(order: Order, path: Path) -> None:
    """Write `order` as a one-page PDF: header, parties, details, item table, total, terms and signature."""
    pdf = Canvas(str(path), pagesize=A4, invariant=1, pageCompression=1)
    pdf.setTitle(f"{order.labels['title']} {order.number}")
    pdf.setAuthor(order.buyer.name)
    pdf.setCreator("claimflow-purchase-orders make_docs")
    _header(pdf, order)
    y = _table(pdf, order, A4[1] - 320)
    pdf.setFont("Helvetica-Bold", 11)
    pdf.drawString(DETAILS_X, y, f"{order.labels['total']}:")
    pdf.drawRightString(RIGHT, y, order.money(order.total))
    pdf.setFont("Helvetica", 9)
    pdf.drawString(LEFT, y - 40, order.labels["note"])
    pdf.line(LEFT, 110, LEFT + 180, 110)
    pdf.drawString(LEFT, 96, f"{order.labels['signature']}, {order.contact}")
    pdf.showPage()
    pdf.save()
