"""Generate the five sample purchase orders, deterministically.

    python -m claimflow_purchase_orders.make_docs OUTDIR

Needs the `[docs]` extra (reportlab, Pillow) and the DejaVu fonts (Debian: `fonts-dejavu-core`). No
network, no clock: running it twice writes the same bytes (reportlab's invariant mode, a seeded scan).

    po-1001.pdf   English, text layer; clean                      -> completed
    po-1002.html  German; clean                                   -> completed
    po-1003.png   English, a scanned page (OCR); clean            -> completed
    po-1004.pdf   English; the lines do not add up to the total   -> needs_review (line_totals_sum_to_total)
    po-1005.html  English; delivery before the order date         -> needs_review (delivery_not_before_order)
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path

from claimflow_purchase_orders._html import render_html
from claimflow_purchase_orders._orders import Order, OrderLine, Party
from claimflow_purchase_orders._pdf import render_pdf
from claimflow_purchase_orders._scan import render_scan

CONTOSO = Party("Contoso Manufacturing Ltd", ("Unit 4, Riverside Industrial Estate", "Leeds LS10 1AB", "UK"))
CONTOSO_GOODS_IN = Party("Contoso Manufacturing Ltd, Goods-in Gate 2", ("Unit 4, Riverside Estate", "Leeds LS10 1AB"))
FABRIKAM = Party("Fabrikam Industrial Supplies Ltd", ("14 Foundry Lane", "Sheffield S3 8RT"))
SONNENSCHEIN = Party("Bäckerei Sonnenschein GmbH", ("Hauptstraße 12", "80331 München"))
SONNENSCHEIN_BACKSTUBE = Party("Bäckerei Sonnenschein GmbH, Backstube", ("Gewerbering 7", "85748 Garching"))
MUELLER = Party("Müller Gastro-Technik GmbH", ("Industriestraße 40", "90431 Nürnberg"))
LAKESIDE = Party("Lakeside Dental Clinic Inc.", ("220 Harbor Drive", "Portland, OR 97204", "USA"))
NORTHPEAK = Party("Northpeak Medical Supply Co.", ("9 Cascade Way", "Seattle, WA 98101"))
VANDERMEER = Party("Van der Meer Logistics B.V.", ("Havenweg 18", "3011 Rotterdam", "Netherlands"))
TAILSPIN = Party("Tailspin Packaging GmbH", ("Kanalstraße 3", "20457 Hamburg", "Germany"))

ORDERS: tuple[Order, ...] = (
    Order(
        filename="po-1001.pdf",
        language="en",
        number="PO-1001",
        buyer=CONTOSO,
        supplier=FABRIKAM,
        ship_to=CONTOSO_GOODS_IN,
        contact="Jane Whitfield, Procurement",
        order_date=date(2024, 3, 4),
        delivery_date=date(2024, 3, 18),
        currency="GBP",
        symbol="£",
        payment_terms="Net 30 days",
        lines=(
            OrderLine("Hex bolts M8 x 40 mm, zinc plated, box of 100", 12, Decimal("14.80")),
            OrderLine("Nylon lock nuts M8, box of 200", 6, Decimal("9.95")),
            OrderLine("Flat washers M8, box of 500", 4, Decimal("7.40")),
            OrderLine("Cordless drill batteries 18V 4.0Ah", 3, Decimal("64.50")),
            OrderLine("Safety gloves, cut level C, size 9 (pair)", 25, Decimal("4.35")),
        ),
    ),
    Order(
        filename="po-1002.html",
        language="de",
        number="4500012345",
        buyer=SONNENSCHEIN,
        supplier=MUELLER,
        ship_to=SONNENSCHEIN_BACKSTUBE,
        contact="Anna Huber, Einkauf",
        order_date=date(2024, 3, 11),
        delivery_date=date(2024, 3, 25),
        currency="EUR",
        symbol="€",
        payment_terms="30 Tage netto",
        lines=(
            OrderLine("Backbleche Aluminium 60 x 40 cm", 20, Decimal("18.90")),
            OrderLine("Gärkörbe rund, Peddigrohr, 1 kg", 30, Decimal("7.45")),
            OrderLine("Teigschaber Edelstahl", 10, Decimal("5.20")),
            OrderLine("Wartung Etagenbackofen (Pauschale)", 1, Decimal("385.00")),
        ),
    ),
    Order(
        filename="po-1003.png",
        language="en",
        number="LDC-2024-0311",
        buyer=LAKESIDE,
        supplier=NORTHPEAK,
        ship_to=LAKESIDE,
        contact="Dr. Maria Santos",
        order_date=date(2024, 3, 15),
        delivery_date=date(2024, 3, 29),
        currency="USD",
        symbol="",  # an ERP printout: bare figures under "Currency: USD", the total as "USD 849.60"
        payment_terms="Prepaid",
        lines=(
            OrderLine("Nitrile exam gloves, medium, box of 100", 40, Decimal("8.25")),
            OrderLine("Disposable prophy angles, pack of 144", 5, Decimal("46.80")),
            OrderLine("Surface disinfectant wipes, canister", 24, Decimal("11.90")),
        ),
    ),
    Order(
        filename="po-1004.pdf",
        language="en",
        number="PO-1004",
        buyer=CONTOSO,
        supplier=FABRIKAM,
        ship_to=CONTOSO_GOODS_IN,
        contact="Jane Whitfield, Procurement",
        order_date=date(2024, 4, 2),
        delivery_date=date(2024, 4, 16),
        currency="GBP",
        symbol="£",
        payment_terms="Net 60 days",
        lines=(
            OrderLine("Stainless steel sheet 2 mm, 1000 x 2000 mm", 8, Decimal("96.40")),
            OrderLine("Welding wire ER308L 0.8 mm, 5 kg spool", 10, Decimal("38.75")),
            OrderLine("Angle grinder discs 125 mm, pack of 25", 6, Decimal("21.60")),
        ),
        printed_total=Decimal("1316.30"),  # the lines come to 1,288.30: 28.00 too much
    ),
    Order(
        filename="po-1005.html",
        language="en",
        number="VDM-PO-7781",
        buyer=VANDERMEER,
        supplier=TAILSPIN,
        ship_to=VANDERMEER,
        contact="Pieter de Vries, Purchasing",
        order_date=date(2024, 3, 14),
        delivery_date=date(2024, 3, 7),  # a week before the order: a typo in the month's day
        currency="EUR",
        symbol="€",
        payment_terms="Net 30",
        lines=(
            OrderLine("Double-wall cartons 600 x 400 x 400 mm", 500, Decimal("1.84")),
            OrderLine("Stretch film 23 my, 500 mm x 300 m", 48, Decimal("12.60")),
            OrderLine("Pallet corner boards 35 x 35 x 1200 mm", 400, Decimal("0.48")),
        ),
    ),
)
"""The samples, in file-name order; po-1005's delivery date is, on purpose, a week before its order date."""

RENDERERS: dict[str, Callable[[Order, Path], None]] = {".pdf": render_pdf, ".html": render_html, ".png": render_scan}


def write_all(out: Path) -> list[Path]:
    """Write every sample into `out` (created if missing); returns the files written."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for order in ORDERS:
        path = out / order.filename
        RENDERERS[path.suffix](order, path)
        written.append(path)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: `python -m claimflow_purchase_orders.make_docs OUTDIR`."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1:
        sys.stderr.write("usage: python -m claimflow_purchase_orders.make_docs OUTDIR\n")
        return 2
    for path in write_all(Path(args[0])):
        sys.stdout.write(f"wrote {path}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
