"""The amount a receipt was paid with, confirmed by the sums a till slip always prints.

A total label alone is a guess (running totals, subtotals and totals before rounding look alike).
The guess becomes sure when the slip's own arithmetic agrees: cash tendered minus change, the
subtotal plus tax and rounding, the tax summary's net plus tax, or the items added up.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal

from claimflow.runtime.backends.rules._claims import Finding
from claimflow.runtime.backends.rules._lines import Line
from claimflow.runtime.backends.rules._receipt_amounts import Amount, money_lines
from claimflow.runtime.backends.rules._values import money_in
from claimflow.state.normalize import format_amount

_CENT = Decimal("0.01")
_BARE_CENTS = re.compile(r"(?<![\w.,])\.(\d{2})(?!\d)")
_SUMMARY_ROW = re.compile(r"%|\b(?:gst|vat|tax|mwst|ust|tva|iva|btw|sr|zr)\b", re.IGNORECASE)


def _payment(amounts: Sequence[Amount]) -> tuple[Decimal | None, bool]:
    """What the customer paid: tendered minus change, else what was tendered; and whether change was shown."""
    changes = [a for a in amounts if a.role == "change"]
    if changes:
        change = changes[-1]
        tendered = [a for a in amounts if a.role == "paid" and a.line.index < change.line.index]
        if tendered:
            return tendered[-1].value - abs(change.value), True
    paid = [a for a in amounts if a.role == "paid" and a.value > 0]
    return (paid[-1].value, False) if paid else (None, False)


def _adds_up(amounts: Sequence[Amount], total: Amount) -> bool:
    """The subtotal above `total` plus the taxes, charges, discounts and rounding printed between them."""
    subtotals = [a for a in amounts if a.role == "subtotal" and a.line.index < total.line.index]
    if not subtotals:
        return False
    sub = subtotals[-1]
    between = [a for a in amounts if sub.line.index < a.line.index < total.line.index and a.value]
    value = sub.value
    value += sum((a.value for a in between if a.role == "tax"), Decimal(0))
    value -= sum((abs(a.value) for a in between if a.role == "discount"), Decimal(0))
    # A rounding line prints its sign, or not: either way the result must be what is printed.
    sums = {value} | {value + s * a.value for a in between if a.role == "rounding" for s in (1, -1)}
    adjusted = any(a.role in ("tax", "discount", "rounding") for a in between)
    return adjusted and total.value in sums


def _values(text: str) -> list[Decimal]:
    found = [(m.start, m.value) for m in money_in(text) if m.has_cents]
    found += [(m.start(), Decimal("0." + m.group(1))) for m in _BARE_CENTS.finditer(text)]
    return [value for _, value in sorted(found)]


def _in_tax_summary(lines: Sequence[Line], value: Decimal) -> bool:
    """A tax summary row prints net and tax (and gross): net + tax is the total."""
    for line in lines:
        if not _SUMMARY_ROW.search(line.text):
            continue
        values = _values(line.text)
        pairs = zip(values, values[1:], strict=False)
        if any(net + tax == value and net > tax for net, tax in pairs):
            return True
    return False


def _items_sum(amounts: Sequence[Amount]) -> tuple[Decimal, int]:
    """The item prices above the first summary line, added up, and how many there are."""
    items: list[Decimal] = []
    for a in amounts:
        if a.role != "other":
            break
        items.append(a.value)
    return sum(items, Decimal(0)), len(items)


def _confirmations(lines: Sequence[Line], amounts: Sequence[Amount], total: Amount) -> int:
    items, count = _items_sum(amounts)
    checks = (
        _adds_up(amounts, total),
        _in_tax_summary(lines, total.value),
        count >= 1 and items == total.value,
    )
    return sum(checks)


def _exceeded(amounts: Sequence[Amount], total: Amount) -> bool:
    """A larger amount printed after the total (not a payment) means the total was not final."""
    return any(
        a.line.index > total.line.index and a.value > total.value and a.role not in ("paid", "change") for a in amounts
    )


def _finding(amount: Amount, confidence: float) -> Finding | None:
    if amount.span is None:
        return None
    return Finding("total_amount", format_amount(amount.value.quantize(_CENT)), confidence, amount.span)


def _from_payment(amounts: Sequence[Amount], totals: Sequence[Amount], paid: Decimal, change: bool) -> Finding | None:
    """The total the payment confirms; else, when change was given, the one line that prints the amount paid."""
    for total in reversed(totals):
        if total.value == paid and total.span is not None:
            return _finding(total, 0.92 if change else 0.88)
    if not change:
        return None
    # A rounded total is often printed after "Rounding" or unlabelled; it still matches the payment.
    rounded = [a for a in amounts if a.value == paid and a.role in ("rounding", "other", "total") and a.span]
    if rounded:
        last = totals[-1] if totals else None
        adj = [a.value for a in amounts if a.role == "rounding" and a.value != paid]
        agrees = last is not None and any(last.value + r == paid or last.value - r == paid for r in adj)
        return _finding(rounded[0], 0.88 if agrees else 0.8)
    return None


def _unlabelled(amounts: Sequence[Amount], paid: Decimal | None) -> Finding | None:
    """No total label (cut off by OCR): an amount the subtotal and taxes, or the items, add up to."""
    for a in amounts:
        if a.role in ("other", "paid") and a.span is not None and _adds_up(amounts, a):
            return _finding(a, 0.8)
    items, count = _items_sum(amounts)
    if count >= 2 and paid is not None and paid == items:
        tendered = next((a for a in amounts if a.role == "paid" and a.value == paid and a.span), None)
        return _finding(tendered, 0.8) if tendered else None
    return None


def receipt_total(lines: Sequence[Line]) -> Finding | None:
    """The amount paid: the total the payment or the slip's sums confirm, else the strongest total label."""
    amounts = money_lines(lines)
    totals = [a for a in amounts if a.role == "total" and a.value > 0]
    paid, change = _payment(amounts)
    if paid is not None and (found := _from_payment(amounts, totals, paid, change)):
        return found
    if not totals:
        return _unlabelled(amounts, paid)
    final = ([t for t in totals if t.strong] or totals)[-1]
    largest = final.value == max(t.value for t in totals)
    if not largest or _exceeded(amounts, final):
        return _finding(final, 0.6)
    checks = _confirmations(lines, amounts, final)
    confidence = 0.9 if checks >= 2 else 0.86 if checks == 1 else 0.78
    return _finding(final, confidence)
