"""The `purchase_order` document type, declared with claimflow's public API only.

It brings no offline extractor or detector: claimflow's label-driven extractor reads every field beside
or below the labels declared here, and classifies by the titles and labels.
"""

from __future__ import annotations

from claimflow import Column, DocumentType, Field

from claimflow_purchase_orders.rules import delivery_not_before_order, line_totals_sum_to_total

# Who places the order, and who fills it: each role's labels are the other role's counter-labels, so a
# name printed under "Supplier" is never taken for the buyer, nor one under "Ship to" for the supplier.
_BUYER_ROLE = ("Buyer", "Ordered by", "Purchaser", "Besteller", "Auftraggeber", "Bestellt von")
_SUPPLIER_ROLE = ("Supplier", "Vendor", "Seller", "Lieferant", "Auftragnehmer")
_DELIVERY_ADDRESS = ("Ship to", "Deliver to", "Bill to", "Invoice to", "Lieferadresse", "Lieferanschrift",
                     "Rechnungsadresse")  # fmt: skip

PAYMENT_TERMS = {
    "net_30": ("Net 30", "Net 30 days", "30 days net", "30 Tage netto", "30 Tage rein netto"),
    "net_60": ("Net 60", "Net 60 days", "60 days net", "60 Tage netto", "60 Tage rein netto"),
    "prepaid": ("Prepaid", "Prepayment", "Payment in advance", "Vorkasse", "Vorauszahlung"),
}
"""The payment terms a purchase order may state: canonical value -> the ways orders print it."""

PURCHASE_ORDER = DocumentType(
    name="purchase_order",
    description=(
        "An order a buyer sends to a supplier to buy goods or services: PO number, order and delivery "
        "dates, the ordered lines and the order total."
    ),
    titles=("Purchase Order", "Bestellung"),
    version="2",
    fields=[
        Field(
            "po_number",
            "identifier",
            required=True,
            description="The purchase order's number, as the buyer assigned it",
            labels=(
                "PO Number",
                "PO No.",
                "PO #",
                "Purchase Order No.",
                "Purchase Order Number",
                "Order No.",
                "Order Number",
                "Bestellnummer",
                "Bestell-Nr.",
                "Bestellnr.",
            ),
        ),
        Field(
            "order_date",
            "date",
            required=True,
            description="Date the order was placed",
            labels=("Order Date", "PO Date", "Date of Order", "Bestelldatum", "Bestelltag"),
        ),
        Field(
            "delivery_date",
            "date",
            description="Date the goods are to be delivered",
            labels=(
                "Delivery Date",
                "Requested Delivery",
                "Requested Delivery Date",
                "Deliver by",
                "Liefertermin",
                "Lieferdatum",
                "Gewünschter Liefertermin",
            ),
        ),
        Field(
            "buyer",
            "text",
            required=True,
            description="Name of the company placing the order",
            labels=_BUYER_ROLE,
            counter_labels=_SUPPLIER_ROLE,
        ),
        Field(
            "supplier",
            "text",
            description="Name of the company the order is placed with",
            labels=_SUPPLIER_ROLE,
            counter_labels=(*_DELIVERY_ADDRESS, *_BUYER_ROLE),
        ),
        Field(
            "currency",
            "currency",
            description="ISO 4217 code of the order's currency",
            labels=("Currency", "Währung"),
        ),
        Field(
            "payment_terms",
            "enum",
            description="When the supplier is paid",
            labels=("Payment Terms", "Terms of Payment", "Zahlungsbedingungen", "Zahlungsbedingung"),
            values=PAYMENT_TERMS,
        ),
        Field(
            "total_amount",
            "amount",
            required=True,
            description="The order total: the sum of the order lines",
            labels=(
                "Total",
                "Order Total",
                "Total Amount",
                "Grand Total",
                "Gesamtbetrag",
                "Gesamtsumme",
                "Bestellsumme",
            ),
        ),
        Field(
            "line_items",
            "table",
            description="The ordered lines: one row per item",
            columns=[
                Column(
                    "description",
                    "text",
                    description="What is ordered, as printed",
                    labels=("Description", "Item", "Beschreibung", "Artikel"),
                ),
                Column("quantity", "number", description="How many units", labels=("Qty", "Quantity", "Menge")),
                Column(
                    "unit_price",
                    "amount",
                    description="Price of one unit",
                    labels=("Unit Price", "Price per Unit", "Einzelpreis"),
                ),
                Column(
                    "amount",
                    "amount",
                    required=True,
                    description="The line's total",
                    labels=("Amount", "Line Total", "Betrag", "Gesamt", "Gesamtpreis"),
                ),
            ],
        ),
    ],
    rules=[line_totals_sum_to_total, delivery_not_before_order],
    guidance=(
        "The buyer is the company that issues the order; the supplier is the company it is sent to, never a "
        "ship-to or bill-to address of the buyer. Return every order line as a row of the line_items table "
        "with description, quantity, unit price and amount, and the order total as total_amount. Payment "
        "terms are one of net_30, net_60 or prepaid."
    ),
    duplicate_key=("buyer", "po_number"),
    risk_field="total_amount",
)
"""A purchase order: number, order and delivery dates, buyer and supplier, terms, lines and total."""
