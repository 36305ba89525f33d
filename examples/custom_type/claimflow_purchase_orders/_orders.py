"""The sample purchase orders as data, and how each language prints dates, amounts and labels.

Every company, address and number below is fictional.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

Language = Literal["en", "de"]
CENT = Decimal("0.01")

_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
              "November", "December")  # fmt: skip

LABELS: Mapping[Language, Mapping[str, str]] = {
    "en": {
        "title": "Purchase Order",
        "po_number": "PO Number",
        "order_date": "Order Date",
        "delivery_date": "Requested Delivery",
        "buyer": "Buyer",
        "supplier": "Supplier",
        "ship_to": "Ship to",
        "currency": "Currency",
        "payment_terms": "Payment Terms",
        "pos": "Line",
        "description": "Description",
        "quantity": "Qty",
        "unit_price": "Unit Price",
        "amount": "Amount",
        "total": "Order Total",
        "contact": "Contact",
        "note": "Please quote our order reference on every delivery note and invoice. All prices exclude VAT.",
        "signature": "Authorised signature",
    },
    "de": {
        "title": "Bestellung",
        "po_number": "Bestellnummer",
        "order_date": "Bestelldatum",
        "delivery_date": "Liefertermin",
        "buyer": "Besteller",
        "supplier": "Lieferant",
        "ship_to": "Lieferadresse",
        "currency": "Währung",
        "payment_terms": "Zahlungsbedingungen",
        "pos": "Pos.",
        "description": "Artikel",
        "quantity": "Menge",
        "unit_price": "Einzelpreis",
        "amount": "Gesamt",
        "total": "Gesamtbetrag",
        "contact": "Ansprechpartner",
        "note": "Bitte geben Sie unsere Bestellreferenz auf Lieferschein und Rechnung an. Alle Preise netto zzgl. USt.",
        "signature": "Unterschrift",
    },
}
"""The words each language prints; all of them are labels the `purchase_order` type declares."""


@dataclass(frozen=True)
class Party:
    """A company as printed on an order: its name and address lines."""

    name: str
    address: tuple[str, ...]


@dataclass(frozen=True)
class OrderLine:
    """One ordered item."""

    description: str
    quantity: int
    unit_price: Decimal

    @property
    def amount(self) -> Decimal:
        """Quantity times unit price, rounded half up to cents."""
        return (self.unit_price * self.quantity).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Order:
    """One purchase order, with everything a renderer prints."""

    filename: str
    language: Language
    number: str
    buyer: Party
    supplier: Party
    ship_to: Party
    contact: str
    order_date: date
    delivery_date: date
    currency: str
    symbol: str
    """Printed with every amount (`£`, `€`); empty for an order that prints bare figures under its currency."""
    payment_terms: str
    lines: tuple[OrderLine, ...]
    printed_total: Decimal | None = None
    """A total that differs from the lines' sum (a faulty order); None prints the true sum."""

    @property
    def labels(self) -> Mapping[str, str]:
        """The order's printed words."""
        return LABELS[self.language]

    @property
    def total(self) -> Decimal:
        """The order total as printed."""
        return self.printed_total if self.printed_total is not None else sum((x.amount for x in self.lines), CENT * 0)

    def date(self, value: date) -> str:
        """A date as the order's language writes it: `4 March 2024`, `11.03.2024`."""
        if self.language == "de":
            return f"{value.day:02d}.{value.month:02d}.{value.year}"
        return f"{value.day} {_MONTHS_EN[value.month - 1]} {value.year}"

    def money(self, value: Decimal) -> str:
        """An amount with its currency symbol, if any: `£1,234.50`, `1.234,50 €`, `1,234.50`."""
        english = f"{value:,.2f}"
        if self.language == "de":
            return english.replace(",", "X").replace(".", ",").replace("X", ".") + f" {self.symbol}".rstrip()
        return f"{self.symbol}{english}"
