"""The purchase order's business rules: plain functions over its accepted values, testable without a graph."""

from __future__ import annotations

from decimal import Decimal

from claimflow import RuleInput, RuleResult, rule


@rule("line_totals_sum_to_total", fields=["line_items", "total_amount"])
def line_totals_sum_to_total(doc: RuleInput) -> RuleResult | None:
    """The order lines add up to the order total (the policy's tolerance allowed per line for rounding)."""
    rows, total = doc.rows("line_items"), doc.amount("total_amount")
    if not rows or total is None:
        return None
    lines = sum((row.amount("amount") or Decimal(0) for row in rows), Decimal(0))
    difference = lines - total
    passed = abs(difference) <= doc.tolerance * len(rows)
    return doc.check(
        passed,
        f"{len(rows)} line(s) sum to {lines:.2f}, order total is {total:.2f}"
        + ("" if passed else f" (off by {difference:.2f})"),
    )


@rule("delivery_not_before_order", fields=["order_date", "delivery_date"])
def delivery_not_before_order(doc: RuleInput) -> RuleResult | None:
    """Goods cannot be delivered before they were ordered: the delivery date is on or after the order date."""
    ordered, delivered = doc.date("order_date"), doc.date("delivery_date")
    if ordered is None or delivered is None:
        return None
    passed = delivered >= ordered
    return doc.check(
        passed,
        f"delivery {delivered.isoformat()} {'is not' if passed else 'is'} before order {ordered.isoformat()}",
    )
