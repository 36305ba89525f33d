"""Generate claimflow's sample documents, deterministically.

    python scripts/make_examples.py [OUT_DIR]      # default: the examples/documents/ folder

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
    """Round to whole cents/pence, half up, as invoices do."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def gbp(value: Decimal) -> str:
    """UK amount format: £1,234.56."""
    return f"£{value:,.2f}"


def eur_de(value: Decimal) -> str:
    """German amount format: 1.234,56 €."""
    english = f"{value:,.2f}"
    return english.replace(",", "X").replace(".", ",").replace("X", ".") + " €"


def new_canvas(path: Path, title: str, author: str) -> Canvas:
    """An A4 canvas in reportlab's invariant mode (fixed dates and ids: same bytes every run)."""
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


# ----------------------------------------------------------------------------- invoice-total-mismatch.pdf

BRENNWALD_ITEMS = (
    ("FM-2210", "Präzisionswelle Ø 20 mm, gehärtet und geschliffen", 8, "Stk.", Decimal("86.40")),
    ("FM-3105", "Lagerbuchse Bronze 20 × 26 × 30 mm", 16, "Stk.", Decimal("12.35")),
    ("FM-0470", "Passfeder DIN 6885 A 6 × 6 × 32 (VE 100)", 2, "VE", Decimal("24.90")),
    ("SA-0001", "Flanschplatte nach Zeichnung 4471-B", 1, "Stk.", Decimal("295.96")),
)


def make_invoice_total_mismatch(path: Path) -> None:
    """A German invoice whose printed gross total is 27,00 € more than net + VAT."""
    width, height = A4
    left, right = 56.0, width - 48.0
    pdf = new_canvas(path, "Rechnung RE-2024-00342", "Brennwald Feinmechanik GmbH")

    pdf.setFont("Helvetica-Bold", 15)
    pdf.drawRightString(right, height - 60, "Brennwald Feinmechanik GmbH")
    pdf.setFont("Helvetica", 9)
    for i, line in enumerate(
        ("Industriestraße 14", "70565 Stuttgart", "Tel. +49 711 3050 4172", "www.brennwald-feinmechanik.example")
    ):
        pdf.drawRightString(right, height - 76 - 11 * i, line)

    pdf.setFont("Helvetica", 7)
    pdf.drawString(left, height - 140, "Brennwald Feinmechanik GmbH · Industriestraße 14 · 70565 Stuttgart")
    pdf.line(left, height - 143, left + 250, height - 143)
    pdf.setFont("Helvetica", 10.5)
    for i, line in enumerate(
        ("Kessler & Voigt Maschinenbau AG", "Einkauf / z. Hd. Herrn Jonas Albrecht", "Hafenweg 3", "28217 Bremen")
    ):
        pdf.drawString(left, height - 160 - 14 * i, line)

    pdf.setFont("Helvetica", 9.5)
    meta = (
        ("Rechnungsnummer", "RE-2024-00342"),
        ("Rechnungsdatum", "05.02.2024"),
        ("Leistungsdatum", "31.01.2024"),
        ("Kundennummer", "10458"),
        ("Ihre Bestellung", "4500187733 vom 12.01.2024"),
    )
    for i, (label, value) in enumerate(meta):
        y = height - 160 - 14 * i
        pdf.drawString(right - 210, y, label)
        pdf.drawRightString(right, y, value)

    pdf.setFont("Helvetica-Bold", 18)
    pdf.drawString(left, height - 260, "Rechnung")
    pdf.setFont("Helvetica", 10)
    pdf.drawString(left, height - 282, "Sehr geehrte Damen und Herren,")
    pdf.drawString(left, height - 296, "für unsere Lieferung gemäß Lieferschein LS-24-0219 berechnen wir Ihnen:")

    columns = (left, left + 28, left + 92, right - 150, right - 70, right)
    top = height - 330
    pdf.setFont("Helvetica-Bold", 9)
    headers = ("Pos.", "Art.-Nr.", "Bezeichnung", "Menge", "Einzelpreis", "Gesamt")
    for x, header in zip(columns[:3], headers[:3], strict=True):
        pdf.drawString(x, top, header)
    for x, header in zip(columns[3:], headers[3:], strict=True):
        pdf.drawRightString(x, top, header)
    pdf.line(left, top - 5, right, top - 5)
    pdf.setFont("Helvetica", 9)
    net = Decimal("0.00")
    y = top
    for position, (article, description, quantity, unit, price) in enumerate(BRENNWALD_ITEMS, start=1):
        y -= 20
        line_total = money(price * quantity)
        net += line_total
        pdf.drawString(columns[0], y, str(position))
        pdf.drawString(columns[1], y, article)
        pdf.drawString(columns[2], y, description)
        pdf.drawRightString(columns[3], y, f"{quantity} {unit}")
        pdf.drawRightString(columns[4], y, eur_de(price))
        pdf.drawRightString(columns[5], y, eur_de(line_total))
    pdf.line(left, y - 9, right, y - 9)

    vat = money(net * Decimal("0.19"))
    printed_total = net + vat + Decimal("27.00")  # the error this sample exists to show
    y -= 30
    for label, value, bold in (
        ("Nettobetrag", eur_de(net), False),
        ("zzgl. MwSt. 19 %", eur_de(vat), False),
        ("Gesamtbetrag", eur_de(printed_total), True),
    ):
        pdf.setFont("Helvetica-Bold" if bold else "Helvetica", 10.5 if bold else 10)
        pdf.drawString(right - 210, y, label)
        pdf.drawRightString(right, y, value)
        y -= 16

    pdf.setFont("Helvetica", 9.5)
    for i, line in enumerate(
        (
            "Zahlbar innerhalb von 30 Tagen ohne Abzug bis zum 06.03.2024.",
            "Bitte geben Sie bei Zahlung die Rechnungsnummer an.",
            "Mit freundlichen Grüßen",
            "Sabine Ortlieb, Buchhaltung (s.ortlieb@brennwald-feinmechanik.example)",
        )
    ):
        pdf.drawString(left, y - 30 - 14 * i, line)

    pdf.setStrokeColorRGB(0.5, 0.5, 0.5)
    pdf.line(left, 92, right, 92)
    pdf.setFont("Helvetica", 7.5)
    footer = (
        (
            "Brennwald Feinmechanik GmbH",
            "Sitz: Stuttgart",
            "Amtsgericht Stuttgart HRB 774120",
            "Geschäftsführerin: Dr. Helga Brennwald",
        ),
        (
            "Schwäbische Handelsbank",
            f"IBAN {iban('DE', '600990170482736150')}",
            "BIC SHBKDESSXXX",
            "USt-IdNr.: DE318442907",
        ),
    )
    for column, lines in enumerate(footer):
        for i, line in enumerate(lines):
            pdf.drawString(left + 250 * column, 80 - 10 * i, line)
    pdf.showPage()
    pdf.save()


# ----------------------------------------------------------------------------- receipt-photo.jpg

RECEIPT_ITEMS = (
    ("MILO 1KG", 1, Decimal("21.90")),
    ("ROTI PUTIH 600G", 2, Decimal("3.20")),
    ("TELUR GRED A 10S", 1, Decimal("5.80")),
    ("MINYAK MASAK 2KG", 1, Decimal("13.50")),
    ("BERAS WANGI 5KG", 1, Decimal("18.90")),
    ("SABUN CUCI 900ML", 1, Decimal("6.47")),
)
RECEIPT_WIDTH = 32  # characters per line on the paper


def receipt_lines() -> list[str]:
    """The receipt's text, laid out for a 32-column thermal printer."""

    def row(left: str, right: str) -> str:
        return left + right.rjust(RECEIPT_WIDTH - len(left))

    rule = "-" * RECEIPT_WIDTH
    lines = [
        "KEDAI RUNCIT SRI MURNI".center(RECEIPT_WIDTH),
        "SRI MURNI TRADING SDN BHD".center(RECEIPT_WIDTH),
        "(1187406-W)".center(RECEIPT_WIDTH),
        "NO 12, JALAN BUNGA RAYA 3,".center(RECEIPT_WIDTH),
        "TAMAN MELATI, 53100".center(RECEIPT_WIDTH),
        "KUALA LUMPUR".center(RECEIPT_WIDTH),
        "TEL: 03-4021 7788".center(RECEIPT_WIDTH),
        rule,
        "CASH RECEIPT".center(RECEIPT_WIDTH),
        row("DATE: 15/03/2024", "TIME: 18:42"),
        row("CASHIER: AINA", "NO: 0042187"),
        rule,
        row("ITEM", "AMT(RM)"),
    ]
    subtotal = Decimal("0.00")
    for name, quantity, price in RECEIPT_ITEMS:
        amount = money(price * quantity)
        subtotal += amount
        lines.append(row(name, f"{amount:.2f}"))
        if quantity > 1:
            lines.append(f"  {quantity} X {price:.2f}")
    rounded = (subtotal * 20).quantize(Decimal("1"), rounding=ROUND_HALF_UP) / 20  # to 5 sen
    rounded = money(rounded)
    cash = Decimal("80.00")
    lines += [
        rule,
        row("SUBTOTAL", f"{subtotal:.2f}"),
        row("ROUNDING ADJ", f"{rounded - subtotal:.2f}"),
        row("TOTAL", f"RM {rounded:.2f}"),
        row("CASH", f"RM {cash:.2f}"),
        row("CHANGE", f"RM {cash - rounded:.2f}"),
        rule,
        row("ITEM COUNT:", str(sum(quantity for _, quantity, _ in RECEIPT_ITEMS))),
        "",
        "THANK YOU, PLEASE COME AGAIN".center(RECEIPT_WIDTH),
        "GOODS SOLD ARE NOT RETURNABLE".center(RECEIPT_WIDTH),
    ]
    return lines


def make_receipt_photo(path: Path) -> None:
    """A thermal receipt photographed on a desk: off-white paper, slight tilt, noise and blur."""
    rng = random.Random(20240315)
    font = ImageFont.truetype(str(font_file("DejaVuSansMono.ttf")), 26)
    bold = ImageFont.truetype(str(font_file("DejaVuSansMono-Bold.ttf")), 26)
    lines = receipt_lines()
    line_height, margin = 36, 34
    char_width = font.getlength("M")
    paper = Image.new("L", (round(char_width * RECEIPT_WIDTH) + 2 * margin, line_height * len(lines) + 2 * margin), 238)
    draw = ImageDraw.Draw(paper)
    for i, line in enumerate(lines):
        emphasised = i < 2 or line.startswith("TOTAL")
        ink = rng.randint(28, 60)  # thermal print is never quite black
        draw.text((margin, margin + i * line_height), line, fill=ink, font=bold if emphasised else font)

    noise = Image.frombytes("L", paper.size, rng.randbytes(paper.width * paper.height)).point(lambda v: v // 20)
    paper = ImageChops.subtract(paper, noise)
    tint = Image.merge("RGB", (paper, paper.point(lambda v: v * 0.985), paper.point(lambda v: v * 0.94)))

    desk = Image.new("RGB", (tint.width + 220, tint.height + 200), (118, 98, 78))
    desk.paste(tint, (110, 90))
    shade = Image.linear_gradient("L").resize(desk.size).point(lambda v: 255 - v // 6)
    desk = ImageChops.multiply(desk, Image.merge("RGB", (shade, shade, shade)))
    photo = desk.rotate(-2.2, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=(118, 98, 78))
    photo = photo.filter(ImageFilter.GaussianBlur(0.9))
    photo.save(path, "JPEG", quality=84, optimize=True)


# ----------------------------------------------------------------------------- contract-nda.txt

NDA_TEXT = """\
MUTUAL NON-DISCLOSURE AGREEMENT

This Mutual Non-Disclosure Agreement (this "Agreement") is entered into and dated as of June 3, 2024
(the "Effective Date") by and between Bluefin Analytics, Inc., a Delaware corporation with its
principal office at 2200 Larimer Street, Suite 410, Denver, Colorado 80205 ("Bluefin"), and Cedar
Ridge Robotics LLC, a Colorado limited liability company with its principal office at 915 Pearl
Street, Boulder, Colorado 80302 ("Cedar Ridge"). Bluefin and Cedar Ridge are each a "Party" and
together the "Parties".

RECITALS

The Parties wish to explore a possible collaboration on warehouse inventory forecasting using
autonomous mobile robots (the "Purpose"). In connection with the Purpose, each Party may disclose
Confidential Information to the other. The Parties therefore agree as follows.

1. DEFINITIONS. "Confidential Information" means any non-public business, technical or financial
information disclosed by one Party (the "Disclosing Party") to the other (the "Receiving Party"),
whether orally, in writing or by inspection, that is marked or identified as confidential or that
a reasonable person would understand to be confidential, including source code, designs, pricing,
customer lists and product plans.

2. EXCLUSIONS. Confidential Information does not include information that (a) is or becomes
publicly available through no fault of the Receiving Party; (b) was known to the Receiving Party
without restriction before disclosure; (c) is received from a third party without a duty of
confidentiality; or (d) is independently developed without use of the Disclosing Party's
Confidential Information.

3. OBLIGATIONS. The Receiving Party shall (a) use Confidential Information solely for the Purpose;
(b) protect it with at least the care it uses for its own similar information, and no less than
reasonable care; and (c) disclose it only to its employees, contractors and advisers who need to
know it for the Purpose and are bound by obligations at least as protective as this Agreement.

4. COMPELLED DISCLOSURE. If the Receiving Party is required by law or court order to disclose
Confidential Information, it shall give the Disclosing Party prompt written notice, where lawful,
and reasonable assistance in seeking a protective order.

5. TERM. This Agreement begins on the Effective Date and continues for a term of two (2) years,
unless terminated earlier by either Party on thirty (30) days' written notice. The obligations in
Section 3 survive expiry or termination for three (3) years with respect to Confidential
Information disclosed during the term, and for as long as any trade secret remains a trade secret.

6. RETURN OF MATERIALS. On the Disclosing Party's written request, the Receiving Party shall
promptly return or destroy all Confidential Information in its possession and confirm this in
writing, except for copies kept in routine backups or as required by law.

7. NO LICENSE; NO WARRANTY. Nothing in this Agreement grants any license under any patent,
copyright or other intellectual property right. All Confidential Information is provided "AS IS".

8. REMEDIES. Unauthorized use or disclosure may cause irreparable harm for which damages are not an
adequate remedy; the Disclosing Party may seek injunctive relief in addition to any other remedy.

9. GOVERNING LAW. This Agreement is governed by and construed in accordance with the laws of the
State of Colorado, without regard to its conflict of laws principles. The state and federal courts
located in Denver County, Colorado have exclusive jurisdiction over any dispute under it.

10. GENERAL. This Agreement is the entire agreement of the Parties on its subject matter and may be
amended only in a writing signed by both Parties. Neither Party may assign it without the other
Party's prior written consent. It may be signed in counterparts, including electronically.
\f
IN WITNESS WHEREOF, the Parties have executed this Agreement as of the Effective Date.

BLUEFIN ANALYTICS, INC.                     CEDAR RIDGE ROBOTICS LLC

By: /s/ Maria Okafor                        By: /s/ Daniel Whitcombe
Name: Maria Okafor                          Name: Daniel Whitcombe
Title: Chief Executive Officer              Title: Managing Member
Date: June 3, 2024                          Date: June 4, 2024

Notices to Bluefin: legal@bluefin-analytics.example.com
Notices to Cedar Ridge: contracts@cedarridge-robotics.example.com
"""


# ----------------------------------------------------------------------------- memo-unknown.html

MEMO_HTML = """\
<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Internal memo: third-floor move</title>
  <style>
    body { font-family: "DejaVu Sans", Arial, sans-serif; max-width: 46em; margin: 2em auto; color: #222; }
    table { border-collapse: collapse; } td, th { border: 1px solid #bbb; padding: .3em .8em; }
    .muted { color: #777; }
  </style>
  <script>window.analyticsQueue = window.analyticsQueue || []; analyticsQueue.push(["pageview"]);</script>
</head>
<body>
  <header>
    <p class="muted">Bluefin Analytics &middot; Internal memo &middot; Not for external distribution</p>
    <h1>Facilities update: moving the data team to the third floor</h1>
  </header>
  <p><strong>From:</strong> Workplace Operations<br><strong>To:</strong> All Denver staff<br>
     <strong>Date:</strong> Monday, 9 September 2024</p>

  <p>Hi everyone,</p>
  <p>As announced at the last all-hands, the data platform and forecasting teams are moving from the
     second floor to the newly refurbished space on the third floor. The move happens over two
     evenings so that nobody loses a working day.</p>

  <h2>Schedule</h2>
  <table>
    <tr><th>When</th><th>Who</th><th>Where to</th></tr>
    <tr><td>Thu 19 Sep, from 17:00</td><td>Data platform team</td><td>Room 3.12 (east wing)</td></tr>
    <tr><td>Fri 20 Sep, from 16:00</td><td>Forecasting team</td><td>Room 3.14 (east wing)</td></tr>
    <tr><td>Mon 23 Sep, 09:30</td><td>Everyone on 3</td><td>Welcome coffee, kitchen 3.02</td></tr>
  </table>

  <h2>What you need to do</h2>
  <ul>
    <li>Pack personal items into the labelled crates that will be at your desk on Wednesday.</li>
    <li>Leave monitors and docks in place; IT will move and reconnect them.</li>
    <li>Book quiet rooms on the new floor through the usual room calendar from 23 September.</li>
  </ul>

  <p>The bike storage and the lockers stay where they are. If you need a sit-stand desk or have
     accessibility requirements, reply to this memo by Friday 13 September.</p>
  <p>Thanks for your patience,<br>Workplace Operations</p>
  <footer><p class="muted">You receive this memo because you are a member of the Denver office list.</p></footer>
  <script>document.querySelectorAll("table tr").forEach((row, i) => row.classList.add(i % 2 ? "odd" : "even"));</script>
</body>
</html>
"""


# ----------------------------------------------------------------------------- corrupt.pdf


def make_corrupt_pdf(path: Path, source: Path) -> None:
    """The clean invoice with its body overwritten by noise: header intact, nothing readable."""
    rng = random.Random(404)
    original = source.read_bytes()
    keep = original[:64]
    path.write_bytes(keep + rng.randbytes(len(original) // 3 - len(keep)))


# ----------------------------------------------------------------------------- main


def main(argv: list[str]) -> int:
    """Write every sample into OUT_DIR (default: the repository's examples/documents/ folder)."""
    out = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parents[1] / "examples" / "documents"
    out.mkdir(parents=True, exist_ok=True)
    make_invoice_clean(out / "invoice-clean.pdf")
    make_invoice_total_mismatch(out / "invoice-total-mismatch.pdf")
    make_receipt_photo(out / "receipt-photo.jpg")
    (out / "contract-nda.txt").write_text(NDA_TEXT, encoding="utf-8", newline="\n")
    (out / "memo-unknown.html").write_text(MEMO_HTML, encoding="utf-8", newline="\n")
    make_corrupt_pdf(out / "corrupt.pdf", out / "invoice-clean.pdf")
    for name in sorted(p.name for p in out.iterdir() if p.suffix in {".pdf", ".jpg", ".txt", ".html"}):
        print(f"wrote {out / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
