"""Receipt fields: the shop's name and address at the top, the date, and the amount paid.

Receipts are short, noisy (OCR) and unlabelled at the top. The amount paid is cross-checked with
the payment block: cash tendered minus change given is what the customer paid.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal

from state.normalize import format_amount

from runtime.backends.rules._claims import Finding
from runtime.backends.rules._labels import RECEIPT_TOTAL
from runtime.backends.rules._lines import Line, Span, span_of
from runtime.backends.rules._names import TRADE_WORD, has_legal_form, looks_like_name, strip_registration
from runtime.backends.rules._values import DateOrder, dates_in, last_money

_HEADER_WORDS = re.compile(
    r"^(?:tax\s+invoice|invoice|receipt|official\s+receipt|cash\s+(?:sale|bill|receipt)|simplified\s+tax\s+invoice"
    r"|welcome|copy|reprint|kassenbon|quittung|beleg|ticket|re[çc]u|recibo|ricevuta|bon)\b",
    re.IGNORECASE,
)
_ADDRESS_STOP = re.compile(
    r"\b(?:tel|fax|phone|telefon|h/?p|mobile|gst|sst|vat|ust|tax|reg|roc|co\.?\s*no|company\s+no|business"
    r"|invoice|receipt|date|cashier|e-?mail|www|website|open|hours)\b|\[[A-Z]+_\d+\]|@",
    re.IGNORECASE,
)
_NOT_TOTAL = re.compile(
    r"\b(?:sub\s*-?\s*total|total\s+(?:qty|quantity|items?|item\(s\)|count|savings?|discount|disc|excl\w*|gst|tax|sst"
    r"|vat|weight|pcs|points|before)|excluding|exclusive|qty|gst\s+summary)\b",
    re.IGNORECASE,
)
_PAID = re.compile(r"\b(?:cash|tendered|paid|tunai|bar|esp[eè]ces|efectivo|contanti|visa|master\w*|card)\b", re.I)
_CHANGE = re.compile(r"\b(?:change|kembali|baki|r[üu]ckgeld|rendu|cambio|resto)\b", re.IGNORECASE)
_STRONG_TOTAL = re.compile(
    r"\b(?:grand\s*total|total\s+(?:amount|payable|due|rounded|after|incl\w*|to\s+pay)|net\s+total|nett\s+total"
    r"|amount\s+due|total\s+rm|total\s+sales)\b",
    re.IGNORECASE,
)


def receipt_vendor(lines: Sequence[Line]) -> tuple[Finding | None, Line | None]:
    """The shop's name: a company-like line among the first few, and the line it was read from."""
    top = [line for line in lines[:8] if not _HEADER_WORDS.match(line.text)]
    for rank, line in enumerate(top[:6]):
        name = strip_registration(line.text)
        if looks_like_name(name) and (has_legal_form(name) or TRADE_WORD.search(name)):
            confidence = (0.82 if has_legal_form(name) else 0.72) - 0.05 * rank
            return Finding("vendor_name", name, confidence, span_of(line, 0, len(line.text))), line
    for line in top[:2]:
        name = strip_registration(line.text)
        if looks_like_name(name):
            return Finding("vendor_name", name, 0.5, span_of(line, 0, len(line.text))), line
    return None, None


def receipt_address(lines: Sequence[Line], vendor_line: Line | None) -> Finding | None:
    """The lines between the shop's name and its phone/tax numbers, when they read as an address."""
    if vendor_line is None:
        return None
    block: list[Line] = []
    for line in lines[vendor_line.index + 1 : vendor_line.index + 7]:
        if line.page != vendor_line.page or _ADDRESS_STOP.search(line.text) or dates_in(line.text, None):
            break
        if not block and re.fullmatch(r"[(\[]?[\w\s.:-]*\d[\w\s.-]*[)\]]?", line.text) and "(" in line.text:
            continue  # the company's registration number printed under its name
        block.append(line)
    if not block or not any(re.search(r"\d", line.text) for line in block):
        return None
    value = " ".join(line.text for line in block)
    postcode = any(re.search(r"(?<!\d)\d{4,6}(?!\d)", line.text) for line in block)
    confidence = 0.75 if postcode and 2 <= len(block) <= 5 else 0.55
    return Finding("vendor_address", value, confidence, Span(block[0].page, block[0].start, block[-1].end))


def receipt_date(lines: Sequence[Line], order: DateOrder | None) -> Finding | None:
    """The purchase date: the first date printed, preferring one with a date label."""
    found: list[tuple[Line, int, int, str, bool]] = []
    for line in lines:
        for d in dates_in(line.text, order):
            found.append((line, d.start, d.end, d.iso, d.sure))
    if not found:
        return None
    labelled = [f for f in found if re.search(r"\b(?:date|datum|fecha|tarikh|data)\b", f[0].text, re.I)]
    line, start, end, iso, sure = (labelled or found)[0]
    distinct = {f[3] for f in found}
    confidence = (0.9 if labelled else 0.84) if sure else 0.62
    if len(distinct) > 1:
        confidence -= 0.1
    return Finding("issue_date", iso, confidence, span_of(line, 0, end))


def _amount_of(lines: Sequence[Line], pattern: re.Pattern[str]) -> Decimal | None:
    for line in reversed(lines):
        if pattern.search(line.text) and (money := last_money(line.text)):
            return money.value
    return None


def receipt_total(lines: Sequence[Line]) -> Finding | None:
    """The amount paid: the total the payment block confirms, else the strongest total label."""
    candidates: list[tuple[Line, int, Decimal, bool]] = []
    for line in lines:
        if RECEIPT_TOTAL.search(line.text) and not _NOT_TOTAL.search(line.text) and not _PAID.search(line.text):
            if money := last_money(line.text):
                candidates.append((line, money.end, money.value, bool(_STRONG_TOTAL.search(line.text))))
    cash, change = _amount_of(lines, _PAID), _amount_of(lines, _CHANGE)
    paid = cash - change if cash is not None and change is not None else cash if cash is not None else None
    if paid is not None:
        for line, end, value, _ in candidates:
            if value == paid:
                return Finding("total_amount", format_amount(value), 0.92, span_of(line, 0, end))
        if change is not None:
            # A rounded total is often printed on its own line after "Rounding"; it still matches the payment.
            for line in lines:
                money = last_money(line.text)
                if money and money.value == paid and not _PAID.search(line.text) and not _CHANGE.search(line.text):
                    return Finding("total_amount", format_amount(paid), 0.8, span_of(line, 0, money.end))
    if not candidates:
        return None
    strong = [c for c in candidates if c[3]] or candidates
    largest = max(c[2] for c in candidates)
    line, end, value, _ = strong[-1]
    confidence = 0.78 if value == largest else 0.6
    return Finding("total_amount", format_amount(value), confidence, span_of(line, 0, end))
