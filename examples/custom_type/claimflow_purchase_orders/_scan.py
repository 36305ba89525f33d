"""A purchase order as a scanned page: text drawn with Pillow, then tilted, speckled and softened like a scan.

The scan stays readable by tesseract: a slight tilt, sparse speckles, a faint blur. The noise comes from a
seeded generator, so every run writes the same bytes.
"""

from __future__ import annotations

import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

from claimflow_purchase_orders._orders import Order

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
WIDTH, HEIGHT = 1654, 2339  # A4 at 200 dpi
MARGIN = 130
SEED = 1003
_QTY_X, _PRICE_X, _AMOUNT_X = 1060, 1290, WIDTH - MARGIN


def _font(name: str, size: int) -> ImageFont.FreeTypeFont:
    path = FONT_DIR / name
    if not path.is_file():
        raise SystemExit(f"{path} not found: install it with `apt-get install fonts-dejavu-core`")
    return ImageFont.truetype(str(path), size)


def _draw_page(order: Order) -> Image.Image:
    words = order.labels
    regular, bold = _font("DejaVuSans.ttf", 30), _font("DejaVuSans-Bold.ttf", 30)
    page = Image.new("L", (WIDTH, HEIGHT), 250)
    draw = ImageDraw.Draw(page)
    y = MARGIN
    draw.text((MARGIN, y), words["title"].upper(), font=_font("DejaVuSans-Bold.ttf", 48), fill=20)
    y += 110
    draw.text((MARGIN, y), order.buyer.name, font=_font("DejaVuSans-Bold.ttf", 36), fill=20)
    y += 50
    draw.text((MARGIN, y), ", ".join(order.buyer.address), font=regular, fill=40)
    y += 90
    details = (
        (words["po_number"], order.number),
        (words["order_date"], order.date(order.order_date)),
        (words["delivery_date"], order.date(order.delivery_date)),
        (words["currency"], order.currency),
        (words["payment_terms"], order.payment_terms),
        (words["buyer"], order.buyer.name),
        (words["supplier"], order.supplier.name),
    )
    for label, value in details:
        draw.text((MARGIN, y), f"{label}: {value}", font=regular, fill=25)
        y += 48
    for line in order.supplier.address:
        draw.text((MARGIN, y), line, font=regular, fill=25)
        y += 48
    y += 60
    draw.text((MARGIN, y), words["description"], font=bold, fill=20)
    for x, key in ((_QTY_X, "quantity"), (_PRICE_X, "unit_price"), (_AMOUNT_X, "amount")):
        draw.text((x, y), words[key], font=bold, fill=20, anchor="ra")
    y += 60
    for item in order.lines:
        draw.text((MARGIN, y), item.description, font=regular, fill=25)
        draw.text((_QTY_X, y), str(item.quantity), font=regular, fill=25, anchor="ra")
        draw.text((_PRICE_X, y), order.money(item.unit_price), font=regular, fill=25, anchor="ra")
        draw.text((_AMOUNT_X, y), order.money(item.amount), font=regular, fill=25, anchor="ra")
        y += 50
    y += 40
    total = order.money(order.total) if order.symbol else f"{order.currency} {order.money(order.total)}"
    draw.text((MARGIN, y), f"{words['total']}: {total}", font=bold, fill=20)
    y += 120
    draw.text((MARGIN, y), f"{words['signature']}: {order.contact}", font=regular, fill=40)
    return page


def _age(page: Image.Image, rng: random.Random) -> Image.Image:
    """Tilt the page a little, sprinkle dust and soften the edges, as a flatbed scanner does."""
    tilted = page.rotate(0.6, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=250)
    pixels = tilted.load()
    assert pixels is not None
    for _ in range(6000):
        x, y = rng.randrange(WIDTH), rng.randrange(HEIGHT)
        pixels[x, y] = rng.randrange(90, 200)
    return tilted.filter(ImageFilter.GaussianBlur(0.7))


def render_scan(order: Order, path: Path) -> None:
    """Write `order` as a greyscale PNG that looks scanned (a single column, as a typed order form)."""
    _age(_draw_page(order), random.Random(SEED)).save(path, format="PNG", optimize=True)
