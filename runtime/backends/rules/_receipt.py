"""Receipt fields: the shop's name and address at the top, the date, and the amount paid.

Receipts are short, noisy (OCR) and unlabelled at the top. The amount paid is cross-checked with
the payment block: cash tendered minus change given is what the customer paid.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal

from runtime.backends.rules._claims import Finding
from runtime.backends.rules._labels import RECEIPT_TOTAL
from runtime.backends.rules._lines import Line, Span, span_of
from runtime.backends.rules._names import TRADE_WORD, has_legal_form, looks_like_name, strip_registration
from runtime.backends.rules._values import DateOrder, dates_in, last_money
from state.normalize import format_amount

_HEADER_WORDS = re.compile(
    r"^(?:tax\s+invoice|invoice|receipt|official\s+receipt|cash\s+(?:sale|bill|receipt)|simplified\s+tax\s+invoice"
    r"|welcome|copy|reprint|kassenbon|quittung|beleg|ticket|re[çc]u|recibo|ricevuta|bon)\b",
    re.IGNORECASE,
)
_ADDRESS_STOP = re.compile(
    r"\b(?:tel\w*|fax|phone|telefon|h/?p|mobile|gst|sst|vat|ust|tax|reg|roc|co\.?\s*no|company\s+no|business"
    r"|invoice|receipt|date|cashier|e-?mail|www|website|open|hours|bill|order|table|pay|carry|site)\b"
    r"|\[[A-Z]+_\d+\]|@|^[\d\s()+/-]{7,}$",
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


_STREET = re.compile(
    r"\b(?:jalan|jln|jl|lorong|taman|tmn|lot|no\b\.?|street|st\.|road|rd\.?|avenue|ave\.?|lane|blvd|boulevard|drive"
    r"|stra(?:ss|ß)e|str\.|weg|platz|gasse|rue|avenue|calle|avenida|via|piazza|straat|laan|plein|unit|suite|floor|flr)\b",
    re.IGNORECASE,
)
_REGISTRATION = re.compile(r"^[(\[]?[^a-z]*\d[\w\s.:/-]*[)\]]?$|^[(\[].*[)\]]$")


def _address_start(text: str) -> bool:
    # A street line: a number with a comma, or a street word, and not a phone or tax line.
    has_street = bool(_STREET.search(text)) or bool(re.match(r"^\d+[A-Z]?\s*[,-]", text))
    letters = sum(ch.isalpha() for ch in text)
    return has_street and letters >= 3 and bool(re.search(r"\d", text)) and not _ADDRESS_STOP.search(text)


def _name_above(lines: Sequence[Line], at: int) -> Line | None:
    for line in reversed(lines[max(0, at - 4) : at]):
        if _REGISTRATION.match(line.text) or dates_in(line.text, None) or _HEADER_WORDS.match(line.text):
            continue  # a registration number or timestamp printed between the name and the street
        return line if looks_like_name(strip_registration(line.text)) else None
    return None


def receipt_vendor(lines: Sequence[Line]) -> tuple[Finding | None, Line | None]:
    """The shop's name: the name line above the street address, else a company-like line on top."""
    top = [line for line in lines[:8] if not _HEADER_WORDS.match(line.text)]
    street = next((line for line in lines[:12] if _address_start(line.text)), None)
    above = _name_above(lines, street.index) if street else None
    if above is not None:
        name = strip_registration(above.text)
        company = has_legal_form(name) or bool(TRADE_WORD.search(name))
        confidence = 0.85 if company and above.index <= 3 else 0.72
        return Finding("vendor_name", name, confidence, span_of(above, 0, len(above.text))), above
    for rank, line in enumerate(top[:6]):
        name = strip_registration(line.text)
        if looks_like_name(name) and (has_legal_form(name) or TRADE_WORD.search(name)):
            confidence = (0.78 if has_legal_form(name) else 0.7) - 0.05 * rank
            return Finding("vendor_name", name, confidence, span_of(line, 0, len(line.text))), line
    for line in top[:2]:
        name = strip_registration(line.text)
        if looks_like_name(name):
            return Finding("vendor_name", name, 0.5, span_of(line, 0, len(line.text))), line
    return None, None


def receipt_address(lines: Sequence[Line], vendor_line: Line | None) -> Finding | None:
    """The street lines after the shop's name, up to its phone or tax numbers."""
    if vendor_line is None:
        return None
    block: list[Line] = []
    stopped = False
    for line in lines[vendor_line.index + 1 : vendor_line.index + 9]:
        if not block:
            if _address_start(line.text):
                block.append(line)
            elif line.index - vendor_line.index > 3:
                break
            continue
        if line.page != vendor_line.page or _ADDRESS_STOP.search(line.text) or dates_in(line.text, None):
            stopped = True
            break
        if len(block) >= 5 or _HEADER_WORDS.match(line.text) or re.search(r"\d[.,]\d{2}\b", line.text):
            break
        block.append(line)
    if not block:
        return None
    value = " ".join(line.text for line in block)
    postcode = any(re.search(r"(?<!\d)\d{4,6}(?!\d)", line.text) for line in block)
    # Where an address ends is a guess unless a phone or tax line closes it.
    confidence = 0.8 if postcode and stopped and 2 <= len(block) <= 4 else 0.6
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
