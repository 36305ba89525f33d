"""Generate claimflow's sample documents, deterministically.

    python examples/make_examples.py [OUT_DIR]      # default: the folder this script is in

Needs only Pillow, reportlab and the DejaVu fonts from Debian's ``fonts-dejavu-core``. Every
name, address, number and account below is fictional. Running the script twice gives the same
bytes (reportlab's invariant mode, fixed random seeds).
"""

from __future__ import annotations

import random
import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))
CENT = Decimal("0.01")


# ----------------------------------------------------------------------------- helpers


def font_file(name: str) -> Path:
    """Find a DejaVu font file, or explain which Debian package provides it."""
    for folder in FONT_DIRS:
        if (folder / name).is_file():
            return folder / name
    raise SystemExit(f"{name} not found: install it with `apt-get install fonts-dejavu-core`")


def iban(country: str, bban: str) -> str:
    """Build an IBAN with a valid mod-97 check, printed in groups of four."""
    digits = "".join(str(int(char, 36)) for char in bban + country + "00")
    raw = f"{country}{98 - int(digits) % 97:02d}{bban}"
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def gbp(value: Decimal) -> str:
    return f"£{value:,.2f}"


def eur_de(value: Decimal) -> str:
    """German amount format: 1.234,56 €."""
    english = f"{value:,.2f}"
    return english.replace(",", "X").replace(".", ",").replace("X", ".") + " €"


def new_canvas(path: Path, title: str, author: str) -> Canvas:
    pdf = Canvas(str(path), pagesize=A4, invariant=1, pageCompression=1)
    pdf.setTitle(title)
    pdf.setAuthor(author)
    pdf.setCreator("claimflow examples/make_examples.py")
    return pdf


# ----------------------------------------------------------------------------- invoice-clean.pdf

NORTHWIND_ITEMS = (
    ("A4 copier paper, 80 gsm, box of 5 reams", 12, Decimal("23.50")),
    ("Black ballpoint pens, medium, pack of 50", 4, Decimal("8.75")),
    ("Lever arch files, A4, assorted colours (pack of 10)", 6, Decimal("14.20")),
    ("Laser toner cartridge, high yield, black", 3, Decimal("64.99")),
    ("Mesh desk organiser, 5 compartments", 5, Decimal("11.60")),
)


def make_invoice_clean(path: Path) -> None:
    """A one-page UK invoice whose figures add up exactly."""
    width, height = A4
    left, right = 50.0, width - 50.0
    pdf = new_canvas(path, "Invoice NW-2024-0117", "Northwind Office Supplies Ltd")

    pdf.setFillColorRGB(0.10, 0.24, 0.40)
    pdf.rect(0, height - 18, width, 18, stroke=0, fill=1)
    pdf.setFont("Helvetica-Bold", 17)
    pdf.drawString(left, height - 62, "Northwind Office Supplies Ltd")
    pdf.setFillColorRGB(0.2, 0.2, 0.2)
    pdf.setFont("Helvetica", 9)
    vendor_lines = (
        "Unit 4, Harbour Trade Park, 17 Quayside Road",
        "Bristol BS1 6XY, United Kingdom",
        "VAT Reg. No.: GB 294 7716 58",
        "Company No. 08412377",
    )
    for i, line in enumerate(vendor_lines):
        pdf.drawString(left, height - 78 - 12 * i, line)

    pdf.setFillColorRGB(0.10, 0.24, 0.40)
    pdf.setFont("Helvetica-Bold", 26)
    pdf.drawRightString(right, height - 64, "INVOICE")
    pdf.setFillColorRGB(0, 0, 0)
    pdf.setFont("Helvetica", 10)
    meta = (
        ("Invoice No.:", "NW-2024-0117"),
        ("Invoice Date:", "12 March 2024"),
        ("Due Date:", "11 April 2024"),
        ("Customer No.:", "C-20931"),
        ("Your PO:", "HDP-PO-4471"),
    )
    for i, (label, value) in enumerate(meta):
        y = height - 90 - 14 * i
        pdf.drawString(right - 200, y, label)
        pdf.drawRightString(right, y, value)

    pdf.setFont("Helvetica-Bold", 10)
    pdf.drawString(left, height - 170, "Bill To:")
    pdf.setFont("Helvetica", 10)
    bill_to = (
        "Harbourview Dental Practice",
        "Attn: Accounts Payable",
        "42 Kingsway Crescent",
        "Cardiff CF10 3AT",
        "United Kingdom",
    )
    for i, line in enumerate(bill_to):
        pdf.drawString(left, height - 184 - 13 * i, line)

    columns = (left + 4, right - 190, right - 95, right - 4)  # description, qty, unit price, amount
    top = height - 270
    pdf.setFillColorRGB(0.90, 0.93, 0.97)
    pdf.rect(left, top - 6, right - left, 20, stroke=0, fill=1)
    pdf.setFillColorRGB(0, 0, 0)
    pdf.setFont("Helvetica-Bold", 10)
    pdf.drawString(columns[0], top, "Description")
    pdf.drawRightString(columns[1], top, "Qty")
    pdf.drawRightString(columns[2], top, "Unit Price")
    pdf.drawRightString(columns[3], top, "Amount")
    pdf.setFont("Helvetica", 10)
    subtotal = Decimal("0.00")
    y = top
    for description, quantity, unit_price in NORTHWIND_ITEMS:
        y -= 22
        amount = money(unit_price * quantity)
        subtotal += amount
        pdf.drawString(columns[0], y, description)
        pdf.drawRightString(columns[1], y, str(quantity))
        pdf.drawRightString(columns[2], y, gbp(unit_price))
        pdf.drawRightString(columns[3], y, gbp(amount))
    pdf.setStrokeColorRGB(0.6, 0.6, 0.6)
    pdf.line(left, y - 10, right, y - 10)

    vat = money(subtotal * Decimal("0.20"))
    total = subtotal + vat
    y -= 32
    for label, value, bold in (
        ("Subtotal", gbp(subtotal), False),
        ("VAT 20%", gbp(vat), False),
        ("Total (GBP)", gbp(total), True),
    ):
        pdf.setFont("Helvetica-Bold" if bold else "Helvetica", 11 if bold else 10)
        pdf.drawString(right - 200, y, label)
        pdf.drawRightString(right, y, value)
        y -= 17
    pdf.setFont("Helvetica-Bold", 11)
    pdf.drawString(right - 200, y - 4, "Amount Due")
    pdf.drawRightString(right, y - 4, f"{gbp(total)} GBP")

    y -= 60
    pdf.setFont("Helvetica-Bold", 10)
    pdf.drawString(left, y, "Payment Details")
    pdf.setFont("Helvetica", 9.5)
    payment = (
        "Bank: Severn Valley Bank plc, 3 Corn Street, Bristol BS1 1HT",
        "Account Name: Northwind Office Supplies Ltd",
        "Sort Code: 40-12-76    Account No.: 31926819",
        f"IBAN: {iban('GB', 'SVBK40127631926819')}    BIC: SVBKGB2B",
        "Payment terms: 30 days net. Please quote NW-2024-0117 as your payment reference.",
        "Questions about this invoice? Contact Priya Marsden, Credit Control,",
        "accounts@northwind-supplies.example.com or +44 117 496 0734.",
    )
    for i, line in enumerate(payment):
        pdf.drawString(left, y - 15 - 13 * i, line)

    pdf.setFont("Helvetica", 7.5)
    pdf.setFillColorRGB(0.4, 0.4, 0.4)
    pdf.drawCentredString(
        width / 2,
        36,
        "Northwind Office Supplies Ltd · Registered in England and Wales No. 08412377 · "
        "Registered office: Unit 4, Harbour Trade Park, Bristol BS1 6XY",
    )
    pdf.showPage()
    pdf.save()
