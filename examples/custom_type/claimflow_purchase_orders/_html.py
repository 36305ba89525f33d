"""A purchase order as an HTML page, as an e-procurement portal would send it."""

from __future__ import annotations

from html import escape
from pathlib import Path

from claimflow_purchase_orders._orders import Order, Party

_STYLE = """
body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 14px; color: #222; margin: 40px auto; width: 760px; }
header { display: flex; justify-content: space-between; border-bottom: 2px solid #1d4f91; padding-bottom: 12px; }
h1 { color: #1d4f91; margin: 0; font-size: 28px; }
.company { font-weight: bold; font-size: 18px; }
.parties { display: flex; gap: 40px; margin: 24px 0; }
.parties p { margin: 0; min-width: 220px; }
table.details td { padding: 2px 12px 2px 0; }
table.items { width: 100%; border-collapse: collapse; margin-top: 24px; }
table.items th { background: #e8eef7; text-align: left; padding: 6px; }
table.items td { border-bottom: 1px solid #ddd; padding: 6px; }
table.items .num { text-align: right; }
.total { text-align: right; font-size: 16px; font-weight: bold; margin-top: 12px; }
footer { margin-top: 40px; font-size: 12px; color: #555; }
"""


_FIGURES = ' class="num"'
"""Figures are right-aligned."""


def _row(tag: str, cells: tuple[str, ...]) -> str:
    """A row of the item table: position and description left-aligned, the three figures right-aligned."""
    return "".join(f"<{tag}{_FIGURES if i >= 2 else ''}>{escape(c)}</{tag}>" for i, c in enumerate(cells))


def _party(label: str, party: Party) -> str:
    address = "".join(f"<br>{escape(line)}" for line in party.address)
    return f"<p><strong>{escape(label)}:</strong> {escape(party.name)}{address}</p>"


def _details(order: Order) -> str:
    words = order.labels
    rows = (
        (words["po_number"], order.number),
        (words["order_date"], order.date(order.order_date)),
        (words["delivery_date"], order.date(order.delivery_date)),
        (words["currency"], order.currency),
        (words["payment_terms"], order.payment_terms),
        (words["contact"], order.contact),
    )
    cells = "".join(
        f"<tr><td><strong>{escape(label)}:</strong></td><td>{escape(value)}</td></tr>" for label, value in rows
    )
    return f'<table class="details">{cells}</table>'


def _items(order: Order) -> str:
    words = order.labels
    head = _row("th", tuple(words[key] for key in ("pos", "description", "quantity", "unit_price", "amount")))
    body = "".join(
        "<tr>"
        + _row("td", (str(n), x.description, str(x.quantity), order.money(x.unit_price), order.money(x.amount)))
        + "</tr>"
        for n, x in enumerate(order.lines, start=1)
    )
    return f'<table class="items"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def render_html(order: Order, path: Path) -> None:
    """Write `order` as a self-contained HTML page (UTF-8, inline style, no scripts or external resources)."""
    words = order.labels
    page = f"""<!DOCTYPE html>
<html lang="{order.language}">
<head>
<meta charset="utf-8">
<title>{escape(words["title"])} {escape(order.number)}</title>
<style>{_STYLE}</style>
</head>
<body>
<header>
<div><div class="company">{escape(order.buyer.name)}</div><div>{escape(", ".join(order.buyer.address))}</div></div>
<h1>{escape(words["title"])}</h1>
</header>
{_details(order)}
<section class="parties">
{_party(words["buyer"], order.buyer)}
{_party(words["supplier"], order.supplier)}
{_party(words["ship_to"], order.ship_to)}
</section>
{_items(order)}
<p class="total">{escape(words["total"])}: {escape(order.money(order.total))}</p>
<footer>
<p>{escape(words["note"])}</p>
<p>{escape(words["signature"])}: {escape(order.contact)}</p>
</footer>
</body>
</html>
"""
    path.write_text(page, encoding="utf-8", newline="\n")
