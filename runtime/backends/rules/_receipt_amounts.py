"""The money lines of a receipt, sorted by what they are: items, totals, taxes, payment and change.

A till slip rarely labels its amounts consistently, but it always adds up. The roles here are
read from each line's words; `_receipt_total` then checks the sums between them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Literal

from claimflow.runtime.backends.rules._labels import RECEIPT_TOTAL
from claimflow.runtime.backends.rules._lines import Line, Span, span_of
from claimflow.runtime.backends.rules._values import last_money

Role = Literal["total", "subtotal", "tax", "included", "rounding", "discount", "paid", "change", "count", "other"]


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


NOT_TOTAL = _rx(
    r"\b(?:sub\s*-?\s*total|total\s+(?:qty|quantity|items?|item\(s\)|count|savings?|discount|disc|excl\w*|gst|tax|sst"
    r"|vat|weight|pcs|points|before|tender\w*|loading)|excl\w*|exclusive|qty|gst\s+summary|tax\s+summary)\b"
)
CHANGE = _rx(r"\b(?:change|kembali|baki|r[üu]ckgeld|wechselgeld|rendu|monnaie|cambio|vuelto|resto)\b")
PAID = _rx(
    r"\b(?:cash|tendered|tender|paid|payment|tunai|bar|gegeben|esp[eè]ces|efectivo|contanti|visa|master\w*|amex"
    r"|card|carte|karte|ec|edc|eftpos|debit|credit|tarjeta|contactless|pin)\b"
)
_COUNT = _rx(r"\b(?:qty|quantity|item\s*\(?s\)?|items|count|pcs|points?|pax|no\s+of)\b")
_SUBTOTAL = _rx(r"\b(?:sub\s*-?\s*total|zwischensumme|sous-?total|subtotaal|subtotale)\b")
_INCLUDED = _rx(r"\b(?:incl\w*|inclusive|included|enthalten|dont|inkl\w*)\b")
_TAX = _rx(r"\b(?:gst|sst|vat|tax|mwst|ust|tva|iva|btw|service\s+(?:charge|tax)|svc|tip)\b")
_ROUNDING = _rx(r"\b(?:round\w*|rnd|rundung|arrondi\w*|redondeo|adj|adjust\w*)\b")
_NET = _rx(r"\b(?:excl\w*|exclusive|excluding|net(?:to)?|before\s+tax|hors\s+taxes?|ht)\b")
_DISCOUNT = _rx(r"\b(?:discount|disc|voucher|coupon|promo\w*|less|rabatt|remise|descuento|sconto|savings?)\b")
_BARE_CENTS = re.compile(r"(?<![\w.,])(-?)\.(\d{2})\s*\w?$")
"""OCR drops the leading zero: "CHANGE RM .40"."""
_ONLY_MONEY = re.compile(r"^\W*(?:[A-Z]{2,3}|[€£$])?\s*-?\d[\d.,]*\d\s*\w?$", re.IGNORECASE)


@dataclass(frozen=True)
class Amount:
    """A money line: its value, what the words around it call it, and where to quote it from."""

    line: Line
    value: Decimal
    role: Role
    label: str
    span: Span | None
    """What a claim would quote (label and amount); None when the amount is not in a readable form."""
    strong: bool = False


@lru_cache(maxsize=4096)
def role_of(label: str) -> Role:
    """What an amount is, judged from the words before it.

    Remembered per label: up to a dozen searches, and tills print the same labels ("TOTAL", "CASH") again and again.
    """
    if CHANGE.search(label):
        return "change"
    if _SUBTOTAL.search(label):
        return "subtotal"
    if STRONG_TOTAL.search(label) and not PAID.search(label):
        return "total"
    if _ROUNDING.search(label):
        return "rounding"
    if _DISCOUNT.search(label):
        return "discount"
    if _NET.search(label):
        return "other"
    if RECEIPT_TOTAL.search(label) and not NOT_TOTAL.search(label) and not PAID.search(label):
        return "total"
    if PAID.search(label):
        return "paid"
    if _TAX.search(label):
        return "included" if _INCLUDED.search(label) else "tax"
    return "count" if _COUNT.search(label) else "other"


def _value(text: str) -> tuple[Decimal, int, bool] | None:
    """The line's right-most money value, its end, and whether the normaliser can read it there."""
    if money := last_money(text):
        return money.value, money.end, True
    if m := _BARE_CENTS.search(text):
        return Decimal(f"{m.group(1)}0.{m.group(2)}"), m.end(), False
    return None


def money_lines(lines: Sequence[Line]) -> list[Amount]:
    """Every line that ends in money, with its role; a lone amount takes the label on the line above."""
    out: list[Amount] = []
    for line in lines:
        read = _value(line.text)
        if read is None:
            continue
        value, end, readable = read
        label, start = line.text, 0
        above = lines[line.index - 1] if line.index > 0 else None
        if _ONLY_MONEY.match(line.text) and above and above.page == line.page and _value(above.text) is None:
            # "TOTAL" / "RM 30.70" on two lines: the amount belongs to the label above it.
            label, start = above.text, above.start - line.start
        span = span_of(line, start, end) if readable else None
        role = role_of(label)
        strong = role == "total" and bool(STRONG_TOTAL.search(label))
        out.append(Amount(line, value, role, label, span, strong))
    return out


STRONG_TOTAL = _rx(
    r"\b(?:grand\s*total|total\s+(?:amount|amt|payable|due|rounded|after|incl\w*|to\s+pay|sales|rm|eur|ttc)"
    r"|net\w?\s+total|amount\s+(?:due|payable)|balance\s+due|total\s+inclusive|gesamtbetrag|zu\s+zahlen"
    r"|montant\s+(?:total|d[ûu])|total\s+a\s+pagar|importe\s+total|totale\s+(?:complessivo|euro))\b"
)
"""Labels that name the final amount rather than a running total."""
