"""The currency of a receipt: the code or symbol its prices are printed with.

A code counts only where it prices money ("RM 12.50", "12,50 EUR") or heads the price column
("AMT(RM)"); "SDN BHD" is a company, not Bahraini dinars, and "RON95" is petrol, not lei.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Sequence

from claimflow.runtime.backends.rules._claims import Finding
from claimflow.runtime.backends.rules._lines import Line, Span, span_of
from claimflow.runtime.backends.rules._values import currencies_in, money_in

_COLUMNS = re.compile(
    r"\b(?:qty|quantity|item|desc\w*|price|amount|amt|total|unit|menge|preis|betrag|prix|montant)\b", re.I
)
_PRICE = re.compile(r"\d[.,]\d{2}$")
_GAP = re.compile(r"[\s:.]{0,2}")


class _LineMoney:
    """A line's amounts, read once: a line may name many currencies, and each asks about its neighbours."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.priced = [m for m in money_in(text) if _PRICE.search(text[m.start : m.end])]
        self._starts = [m.start for m in self.priced]  # money_in returns amounts in order of their start
        self._by_end = sorted(self.priced, key=lambda m: m.end)
        self._ends = [m.end for m in self._by_end]

    def prices(self, start: int, end: int) -> bool:
        """A priced amount (with cents) right before or after the code at `[start, end)`."""
        # The gap allowed is at most two characters, so only amounts starting or ending that close can qualify.
        after = self.priced[bisect_left(self._starts, end) : bisect_right(self._starts, end + 2)]
        before = self._by_end[bisect_left(self._ends, start - 2) : bisect_right(self._ends, start)]
        return any(_GAP.fullmatch(self.text[end : m.start]) for m in after) or any(
            _GAP.fullmatch(self.text[m.end : start]) for m in before
        )

    def heads_column(self, start: int, end: int) -> bool:
        """A code heading the price column ("AMT(RM)"), or a bare code in a line of column names."""
        if self.priced:
            return False
        text = self.text
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
        mentions = currencies_in(line.text)
        if not mentions:
            continue
        money = _LineMoney(line.text)
        for code, start, end in mentions:
            if money.prices(start, end):
                priced[code] += 1
                if _on(line, total_span):
                    on_total.add(code)
                    quote[code] = span_of(line, 0, len(line.text))
            elif money.heads_column(start, end):
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
