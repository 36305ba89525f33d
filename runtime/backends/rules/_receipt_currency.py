"""The currency of a receipt: the code or symbol its prices are printed with.

A code counts only where it prices money ("RM 12.50", "12,50 EUR") or heads the price column
("AMT(RM)"); "SDN BHD" is a company, not Bahraini dinars, and "RON95" is petrol, not lei.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from claimflow.runtime.backends.rules._claims import Finding
from claimflow.runtime.backends.rules._lines import Line, Span, span_of
from claimflow.runtime.backends.rules._values import money_in
from claimflow.state.normalize import currency_mentions

_COLUMNS = re.compile(
    r"\b(?:qty|quantity|item|desc\w*|price|amount|amt|total|unit|menge|preis|betrag|prix|montant)\b", re.I
)
_PRICE = re.compile(r"\d[.,]\d{2}$")


def _prices(text: str, start: int, end: int) -> bool:
    """A priced amount (with cents) right before or after the code."""
    for money in money_in(text):
        if not _PRICE.search(text[money.start : money.end]):
            continue
        gap = text[end : money.start] if money.start >= end else text[money.end : start]
        if (money.start >= end or money.end <= start) and re.fullmatch(r"[\s:.]{0,2}", gap):
            return True
    return False


def _heads_column(text: str, start: int, end: int) -> bool:
    """A code heading the price column ("AMT(RM)"), or a bare code in a line of column names."""
    if any(_PRICE.search(text[m.start : m.end]) for m in money_in(text)):
        return False
    bracketed = text[:start].rstrip().endswith("(") and text[end:].lstrip().startswith(")")
    return bracketed or len(_COLUMNS.findall(text)) >= 2


def _on(line: Line, span: Span | None) -> bool:
    return span is not None and line.page == span.page and line.start <= span.start <= line.end


def receipt_currency(lines: Sequence[Line], total_span: Span | None) -> Finding | None:
    """The one currency the prices are in; sure when several prices, or the total itself, carry it."""
    priced: Counter[str] = Counter()
    headed: Counter[str] = Counter()
    quote: dict[str, Span] = {}
    on_total: set[str] = set()
    for line in lines:
        for code, start, end in currency_mentions(line.text):
            if _prices(line.text, start, end):
                priced[code] += 1
                if _on(line, total_span):
                    on_total.add(code)
                    quote[code] = span_of(line, 0, len(line.text))
            elif _heads_column(line.text, start, end):
                headed[code] += 1
            else:
                continue
            quote.setdefault(code, span_of(line, start, end))
    codes = set(priced) | set(headed)
    if not codes:
        return None
    code = max(codes, key=lambda c: (priced[c], headed[c]))
    if len(codes) > 1:
        confidence = 0.55
    elif code in on_total or priced[code] >= 3:
        confidence = 0.9
    elif priced[code] == 2 or (priced[code] and headed[code]):
        confidence = 0.85
    elif priced[code]:
        confidence = 0.72
    else:
        # Only a column heading names it: clear, but one mention.
        confidence = 0.82 if headed[code] >= 2 else 0.75
    return Finding("currency", code, confidence, quote[code])
