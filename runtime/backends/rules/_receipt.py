"""Receipt fields: the shop's name and address at the top, and the date of the sale.

Receipts are short, noisy (OCR) and unlabelled at the top. A name is sure when the slip says it
is a registered business (a legal form, or a registration number beside it); a numeric date is
sure when the slip settles its order. The amount paid lives in `_receipt_total`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from claimflow.runtime.backends.rules._claims import Finding
from claimflow.runtime.backends.rules._lines import Line, Span, span_of, split_lines
from claimflow.runtime.backends.rules._names import TRADE_WORD, has_legal_form, looks_like_name, strip_registration
from claimflow.runtime.backends.rules._receipt_currency import receipt_currency
from claimflow.runtime.backends.rules._receipt_date import receipt_date
from claimflow.runtime.backends.rules._receipt_total import receipt_total
from claimflow.runtime.backends.rules._values import date_order, dates_in

__all__ = [
    "receipt_address",
    "receipt_currency",
    "receipt_date",
    "receipt_findings",
    "receipt_total",
    "receipt_vendor",
]

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
_STREET = re.compile(
    r"\b(?:jalan|jln|jl|lorong|taman|tmn|lot|no\b\.?|street|st(?=\.)|road|rd\.?|avenue|ave\.?|lane|blvd|boulevard|drive"
    r"|\w*stra(?:ss|ß)e|\w*str(?=\.)|\w*weg|\w*platz|\w*gasse|rue|calle|avenida|via|piazza|\w*straat|\w*laan|plein"
    r"|unit|suite|floor|flr"
    r"|tower|block|blk|level|wisma|menara|plaza|building|bldg|kompleks|complex)\b",
    re.IGNORECASE,
)
_REG_LABEL = (
    r"(?:co(?:mpany)?\.?\s*|business\s+)?(?:reg(?:istration|n)?\.?|roc|no\.?|number|brn|uen|abn|acn|crn)"
    r"(?:\s*(?:no|number)\b\.?)?\s*[:.]?\s*"
)
_REG_LINE = re.compile(
    r"^[\s(\[]*(?:" + _REG_LABEL + r")?[(\[]?\s*[A-Z]{0,3}\d[\dA-Z]*(?:[\s-]+[A-Z0-9]{1,3})?\s*[)\]]?\W*$",
    re.IGNORECASE,
)
"""A line that is only a company registration number: "(123456-K)", "CO. REG. NO.: 795225-A"."""
_REG_AFTER_NAME = re.compile(r"[(\[][^()\[\]]*\d{4}[^()\[\]]*[)\]]\s*$")
_LABELLED_ID = re.compile(r"^[A-Za-z][\w./& ]{0,30}?\s*[:#]\s*[A-Z]{0,3}\d[\w/-]*\W*$")
"""A short label and a number alone on a line ("SITE: 2395", "GST REG. NO. : 0001234"): never a name."""
_BRACKETED = re.compile(r"^[(\[].*[)\]]$")
_MALAY_TRADE = re.compile(r"\b(?:syarikat|perniagaan|niaga|kedai|gerai|restoran|kilang)\b", re.IGNORECASE)


def _address_start(text: str) -> bool:
    # A street line: a number with a comma (also a unit such as "A-16-1,"), or a street word; not a phone or tax line.
    has_street = bool(_STREET.search(text)) or bool(re.match(r"^[A-Z]{0,2}-*\d+(?:-\d+)*[A-Z]?\s*[,-]", text))
    letters = sum(ch.isalpha() for ch in text)
    return has_street and letters >= 3 and bool(re.search(r"\d", text)) and not _ADDRESS_STOP.search(text)


def _skippable(line: Line) -> bool:
    """Lines printed between a shop's name and its street: registration, branch in brackets, title, timestamp."""
    text = line.text
    return bool(
        _REG_LINE.match(text)
        or _LABELLED_ID.match(text)
        or _BRACKETED.match(text)
        or _HEADER_WORDS.match(text)
        or dates_in(text, None)
    )


def _name_above(lines: Sequence[Line], at: int) -> Line | None:
    for line in reversed(lines[max(0, at - 4) : at]):
        if _skippable(line):
            continue
        return line if looks_like_name(strip_registration(line.text)) else None
    return None


def _registered(lines: Sequence[Line], line: Line) -> bool:
    """The name carries a company registration number, on its line or the next one."""
    nxt = lines[line.index + 1] if line.index + 1 < len(lines) else None
    return bool(_REG_AFTER_NAME.search(line.text)) or (nxt is not None and bool(_REG_LINE.match(nxt.text)))


def _brand(lines: Sequence[Line], line: Line, name: str) -> tuple[str, Line]:
    """A brand on top and brand-plus-branch above the street ("ACME PIZZA HILLTOP"): the shop is the brand."""
    for earlier in lines[max(0, line.index - 3) : line.index]:
        head = strip_registration(earlier.text)
        if looks_like_name(head) and len(head.split()) >= 2 and name.casefold().startswith(head.casefold() + " "):
            return head, earlier
    return name, line


def _is_company(name: str) -> bool:
    return has_legal_form(name) or bool(TRADE_WORD.search(name)) or bool(_MALAY_TRADE.search(name))


def receipt_vendor(lines: Sequence[Line]) -> tuple[Finding | None, Line | None]:
    """The shop's name: the name line above the street address, else a company-like line on top."""
    top = [line for line in lines[:8] if not _HEADER_WORDS.match(line.text)]
    street = next((line for line in lines[:12] if _address_start(line.text)), None)
    above = _name_above(lines, street.index) if street else None
    if above is not None:
        name, line = _brand(lines, above, strip_registration(above.text))
        if line is not above:
            return Finding("vendor_name", name, 0.72, span_of(line, 0, len(line.text))), above
        if _registered(lines, above) and above.index <= 4:
            confidence = 0.86
        else:
            confidence = 0.85 if _is_company(name) and above.index <= 3 else 0.72
        return Finding("vendor_name", name, confidence, span_of(above, 0, len(above.text))), above
    for rank, line in enumerate(top[:6]):
        name = strip_registration(line.text)
        if looks_like_name(name) and _is_company(name):
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


def receipt_findings(pages: Sequence[str]) -> list[Finding]:
    """Every receipt field the rules can read from `pages`."""
    lines = split_lines(pages)
    vendor, vendor_line = receipt_vendor(lines)
    total = receipt_total(lines)
    found = [
        vendor,
        receipt_address(lines, vendor_line),
        receipt_date(lines, date_order(pages)),
        total,
        receipt_currency(lines, total.span if total else None),
    ]
    return [f for f in found if f is not None]
