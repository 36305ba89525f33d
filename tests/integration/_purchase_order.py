"""A document type declared as a user would (public API only), and synthetic documents of it.

`claimflow run --types tests/integration/_purchase_order.py` loads it by path; in-process tests import it.
No extractor or detector is given: the rules backend reads it by its titles and labels alone.
"""

from __future__ import annotations

from decimal import Decimal

from claimflow import Column, DocumentType, Field, RuleInput, RuleResult, rule


@rule("delivery_not_before_order", fields=["order_date", "delivery_date"])
def delivery_not_before_order(doc: RuleInput) -> RuleResult | None:
    """Goods are not delivered before they were ordered."""
    ordered, delivered = doc.date("order_date"), doc.date("delivery_date")
    if ordered is None or delivered is None:
        return None
    return doc.check(delivered >= ordered, f"delivery {delivered.isoformat()}, order {ordered.isoformat()}")


@rule("items_sum_to_total", fields=["items", "total_amount"])
def items_sum_to_total(doc: RuleInput) -> RuleResult | None:
    """The order lines add up to the order total."""
    rows, total = doc.rows("items"), doc.amount("total_amount")
    if not rows or total is None:
        return None
    lines = sum((row.amount("amount") or Decimal(0) for row in rows), Decimal(0))
    return doc.check(abs(lines - total) <= doc.tolerance, f"{len(rows)} line(s) sum to {lines}, total is {total}")


@rule("po_number_not_seen_for_supplier", fields=["supplier", "po_number"], reason="duplicate")
def po_number_not_seen_for_supplier(doc: RuleInput) -> RuleResult | None:
    """The same supplier's order number was not completed before."""
    if not doc.earlier_runs:
        return doc.passed("order number not seen before for this supplier")
    return doc.failed(f"order already processed in run(s) {', '.join(doc.earlier_runs)}")


PURCHASE_ORDER = DocumentType(
    name="purchase_order",
    description="An order a buyer sends to a supplier: order number, dates, supplier, order lines and total.",
    titles=("Purchase Order",),
    fields=[
        Field("po_number", "identifier", required=True, description="The order's number", labels=["PO Number"]),
        Field(
            "supplier",
            "text",
            required=True,
            description="Name of the supplier the order is sent to",
            labels=["Supplier"],
            counter_labels=["Ship to", "Buyer"],
        ),
        Field("order_date", "date", required=True, description="Date of the order", labels=["Order Date"]),
        Field("delivery_date", "date", description="Requested delivery date", labels=["Delivery Date"]),
        Field("currency", "currency", description="ISO 4217 code", labels=["Currency"]),
        Field("total_amount", "amount", required=True, description="Order total", labels=["Order Total"]),
        Field(
            "items",
            "table",
            description="The order lines",
            columns=[
                Column("description", "text", labels=["Description"]),
                Column("quantity", "amount", labels=["Qty"]),
                Column("amount", "amount", required=True, labels=["Amount"]),
            ],
        ),
    ],
    rules=[delivery_not_before_order, items_sum_to_total, po_number_not_seen_for_supplier],
    guidance="The supplier is who the order is sent to, never the buyer or the delivery address.",
    duplicate_key=("supplier", "po_number"),
    risk_field="total_amount",
)

SUPPLIER = "Harbour Steel Supplies Ltd"


def purchase_order_text(
    number: str = "PO-4711", *, order_date: str = "05.03.2024", delivery_date: str = "20.03.2024"
) -> str:
    """A purchase order whose two lines (120.00 + 30.00) add up to its total of 150.00 GBP."""
    return (
        "PURCHASE ORDER\n"
        f"PO Number: {number}\n"
        f"Order Date: {order_date}\n"
        f"Delivery Date: {delivery_date}\n"
        f"Supplier: {SUPPLIER}\n"
        "Ship to: Northwind Widgets Ltd, 14 Harbour Road, Bristol\n"
        "Currency: GBP\n"
        "\n"
        "Description        Qty    Amount\n"
        "Steel brackets     10     120.00\n"
        "Hinges              5      30.00\n"
        "\n"
        "Order Total: 150.00\n"
    )
