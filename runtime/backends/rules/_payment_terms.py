"""Payment terms: which dates in a terms sentence are the net due date, and which only end a discount.

"Zahlbar bis 13.06. ohne Abzug, bis 06.06. mit 2 % Skonto" names two dates; only the first is when
the invoice falls due. A date belongs to the nearer of the two kinds of cue around it: a net cue
("zahlbar bis", "payable by", "à régler avant le", "ohne Abzug") or a discount word ("Skonto",
"discount", "escompte"). Cues are looked for within the date's clause only: punctuation and the
neighbouring dates bound it, and a paragraph may wrap over lines.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from claimflow.runtime.backends.rules._lines import Line
from claimflow.runtime.backends.rules._values import DateOrder, DateValue, dates_in

# Cues printed before the date they govern: "zahlbar bis", "netto bis", "payable by", "due on".
_NET_BEFORE = re.compile(
    r"\bzahlbar\b|\bnetto\b|\bf[äa]llig\w*|\bzahlungsziel\b|\bspätestens\b|\bnet(?:\s+due)?\b|\bpayable\b|\bdue\b"
    r"|\bpay(?:ment)?\s+(?:by|before|until|on|no\s+later\s+than)\b|\bà\s+r[ée]gler\b|\bà\s+payer\b|\bpayer\s+avant\b"
    r"|\bau\s+plus\s+tard\b|\b[ée]ch[ée]ance\b|\bpagadero\b|\ba\s+pagar\b|\bvencimiento\b|\bda\s+pagare\b"
    r"|\bpagabile\b|\bscadenza\b|\bte\s+betalen\b|\buiterlijk\b|\bvervaldatum\b",
    re.IGNORECASE,
)
# Cues printed after the date: "bis zum 30.04. ohne Abzug", "avant le 15/03 sans escompte".
_NET_AFTER = re.compile(
    r"\bohne\s+abzug\b|\b(?:rein\s+)?netto\b|\bnet\b|\bsans\s+escompte\b|\bwithout\s+(?:deduction|discount)\b"
    r"|\bsenza\s+sconto\b|\bsin\s+descuento\b|\bzonder\s+korting\b",
    re.IGNORECASE,
)
# A discount word, unless it is denied ("ohne Skonto", "sans escompte", "no discount").
_DISCOUNT = re.compile(
    r"(?<!ohne )(?<!sans )(?<!without )(?<!no )(?<!senza )(?<!sin )(?<!zonder )"
    r"\b(?:skonto|discount|escompte|sconto|descuento|korting)\b",
    re.IGNORECASE,
)
# Clause ends: "; ", ", " (not a decimal comma), ". " (not a date's dot), or a blank line.
_BOUNDARY = re.compile(r";|,\s|(?<!\d)\.\s|\n\s*\n")
PREPOSITION = re.compile(
    r"\b(?:bis|zum|am|vom|ab|by|on|until|before|from|to|avant|le|du|au|del|al|entro|il|tot|voor|van|den)\s*$|[-–]\s*$",
    re.IGNORECASE,
)
"""What may stand just before a date that a sentence governs ("bis zum", "by", "avant le")."""
# A line without figures above a clause is a heading or a label, not the start of its sentence.
_HEADING = re.compile(r"^[^\d\n]*\n", re.MULTILINE)


@dataclass(frozen=True)
class TermDate:
    """A date in a payment-terms paragraph, with page offsets, and what its clause makes of it."""

    page: int
    start: int
    end: int
    iso: str
    sure: bool
    kind: str
    """"net" (the due date), "discount" (a discount deadline) or "" (no cue either way)."""


def _nearest(pattern: re.Pattern[str], text: str, lo: int, hi: int, *, before: int | None, after: int | None) -> int:
    """Distance from the date to the nearest match of `pattern` in text[lo:hi]; a large number if none."""
    best = 10**6
    for m in pattern.finditer(text, lo, hi):
        if before is not None and m.end() <= before:
            best = min(best, before - m.end())
        if after is not None and m.start() >= after:
            best = min(best, m.start() - after)
    return best


def _kind(text: str, dates: Sequence[DateValue], index: int) -> str:
    d = dates[index]
    lo = dates[index - 1].end if index > 0 else 0
    hi = dates[index + 1].start if index + 1 < len(dates) else len(text)
    lo = max([lo, *(m.end() for m in _BOUNDARY.finditer(text, lo, d.start))])
    lo = max([lo, *(m.end() for m in _HEADING.finditer(text, lo, d.start))])
    hi = min([hi, *(m.start() for m in _BOUNDARY.finditer(text, d.end, hi))])
    net = min(
        _nearest(_NET_BEFORE, text, lo, d.start, before=d.start, after=None),
        _nearest(_NET_AFTER, text, d.end, hi, before=None, after=d.end),
    )
    # "ohne Abzug", "netto bis" say the date is net; "zahlbar bis 06.06. mit 2 % Skonto" does not.
    strong = min(
        _nearest(_NET_AFTER, text, lo, d.start, before=d.start, after=None),
        _nearest(_NET_AFTER, text, d.end, hi, before=None, after=d.end),
    )
    discount = _nearest(_DISCOUNT, text, lo, hi, before=d.start, after=d.end)
    if discount < 10**6 and strong >= discount:
        return "discount"
    return "net" if net < 10**6 or strong < 10**6 else ""


def term_dates(lines: Sequence[Line], line: Line, order: DateOrder | None) -> list[TermDate]:
    """The dates on `line`, each judged within the paragraph around it (the lines just above and below)."""
    near = [other for other in lines[max(0, line.index - 1) : line.index + 2] if other.page == line.page]
    text = "\n".join(other.text for other in near)
    base = sum(len(other.text) + 1 for other in near[: near.index(line)])
    dates = dates_in(text, order)
    out: list[TermDate] = []
    for index, d in enumerate(dates):
        if base <= d.start < base + len(line.text):
            offset = line.start - base
            kind = _kind(text, dates, index)
            out.append(TermDate(line.page, offset + d.start, offset + d.end, d.iso, d.sure, kind))
    return out
