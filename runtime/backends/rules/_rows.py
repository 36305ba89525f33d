"""Reading one line as a row of an item table: description, quantity, unit price, amount.

A row ends with its amount; just before it stand a quantity and a unit price, in either order,
with only units, currency signs or a tax rate between them. The row is proven when quantity x
unit price = amount: then the figures cannot have been misread as something else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from claimflow.runtime.backends.rules._generic_currency import currency_before
from claimflow.runtime.backends.rules._lines import Line
from claimflow.runtime.backends.rules._values import money_in
from claimflow.state.normalize.spans import Spans

CENT = Decimal("0.01")
_MAX_ROW = 240
# Unit prices are often printed with four decimals ("10,0000"), which no amount reading accepts.
_FINE_PRICE = re.compile(r"(?<![\w.,])(\d{1,9})[.,](\d{4})(?![\w.,])")
# Between quantity, unit price and amount: units ("Stk.", "kg"), currency signs, tax rates, "x" or "@".
_GAP = re.compile(r"(?:\s|[€£$¥₹@×*/=]|\d{1,2}(?:[.,]\d{1,2})?\s?%|[^\W\d_]{1,6}\.?)*")
_MAX_GAP = 16
# After the amount: a currency or the line's tax rate, nothing else.
_TRAIL = re.compile(r"(?:\s|[€£$¥₹]|[A-Z]{3}\b|\d{1,2}(?:[.,]\d{1,2})?\s?%)*")


@dataclass(frozen=True)
class _Number:
    start: int
    end: int
    value: Decimal
    priced: bool
    """Printed with decimals or a currency sign: a price rather than a count."""
    fine: bool = False
    """Printed with four decimals: a unit price, never a line amount."""


@dataclass(frozen=True)
class Row:
    """A line that ends with an amount, read as a table row."""

    line: Line
    text: str
    """The text before the row's figures: its description, perhaps after a position number."""
    amount: Decimal
    quantity: Decimal | None = None
    unit_price: Decimal | None = None
    proven: bool = False
    """Quantity x unit price = amount, within a cent."""
    shaped: bool = False
    """Figures stand where a quantity and a unit price would, whether or not they multiply out."""


def _numbers(text: str) -> list[_Number]:
    found: list[_Number] = []
    for money in money_in(text):
        printed = text[money.start : money.end]
        # The sign and the currency written before the figure are the amount's (`-£5.00`, `EUR 5.00`), not the
        # description's: the row's text ends before them.
        start, end = min(money.sign_start, currency_before(text, money.start)), money.end
        if re.search(r"[.,]\d{4}$", printed):  # "120,0000", "1.450,0000": a unit price
            found.append(_Number(start, end, money.value, True, True))
        else:
            # One decimal ("7.5" hours) is a count, not money, even though the amount reading takes it.
            found.append(_Number(start, end, money.value, money.has_cents and not re.search(r"[.,]\d$", printed)))
    amounts = Spans.union((n.start, n.end) for n in found)
    for m in _FINE_PRICE.finditer(text):  # its matches never overlap each other: only the amounts can
        if not amounts.overlaps(m.start(), m.end()):
            found.append(_Number(m.start(), m.end(), Decimal(f"{m[1]}.{m[2]}"), True, True))
    return sorted(found, key=lambda n: (n.start, -n.end))


def _gap(text: str, left: _Number, right: _Number) -> bool:
    between = text[left.end : right.start]
    return left.end <= right.start and len(between) <= _MAX_GAP and bool(_GAP.fullmatch(between))


def _pairs(text: str, before: list[_Number], amount: _Number) -> list[tuple[_Number, _Number]]:
    """Where the quantity and the unit price may stand: just before the amount, or before a tax rate."""
    pairs: list[tuple[_Number, _Number]] = []
    if len(before) >= 2 and _gap(text, before[-2], before[-1]) and _gap(text, before[-1], amount):
        pairs.append((before[-2], before[-1]))
    # A tax-rate column printed without "%" ("191.00 19 573.00") may stand between price and amount.
    if len(before) >= 3 and not before[-1].priced and 0 <= before[-1].value <= 100:
        a, b, rate = before[-3:]
        if _gap(text, a, b) and _gap(text, b, rate) and _gap(text, rate, amount):
            pairs.append((a, b))
    return pairs


def read_row(line: Line) -> Row | None:
    """The line as a table row, or None when it does not end with an amount."""
    text = line.text
    numbers = _numbers(text)
    if not numbers or len(text) > _MAX_ROW:
        return None
    amount = numbers[-1]
    if not amount.priced or amount.fine or not _TRAIL.fullmatch(text[amount.end :]):
        return None
    before = [n for n in numbers[:-1] if n.end <= amount.start]
    pairs = _pairs(text, before, amount)
    for first, second in pairs:
        if abs(first.value * second.value - amount.value) <= CENT:
            # The figure printed as money is the price; when both or neither are, quantity comes first.
            price, quantity = (first, second) if first.priced and not second.priced else (second, first)
            return Row(line, text[: first.start].strip(), amount.value, quantity.value, price.value, True, True)
    if pairs:
        return Row(line, text[: pairs[0][0].start].strip(), amount.value, shaped=True)
    if before and _gap(text, before[-1], amount):
        return Row(line, text[: before[-1].start].strip(), amount.value, shaped=True)
    return Row(line, text[: amount.start].strip(), amount.value)
