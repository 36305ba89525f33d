"""Header blocks printed as columns: a row of labels, and the row of their values below it.

    Invoice Date     Due Date       Customer No.
    05.03.2024       04.04.2024     C-3381

Text extraction keeps each row on its own line, so "Due Date" is not followed by its value. The
dates of the value row are matched to the date labels of the header row in order, and only when
there are as many dates as date labels; other columns (names, numbers) may stand between them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from claimflow.runtime.backends.rules._claims import Finding
from claimflow.runtime.backends.rules._labels import DUE_DATE, ISSUE_DATE
from claimflow.runtime.backends.rules._lines import Line, Span
from claimflow.runtime.backends.rules._payment_terms import PREPOSITION
from claimflow.runtime.backends.rules._values import DateOrder, dates_in

# Every way a column header may name a date: "Date", "Invoice date", "Lieferdatum", "Due", "Échéance".
_DATE_WORD = re.compile(
    r"\b(?:[\w-]*datum|date|fecha|data|f[äa]lligkeit|f[äa]llig|due|[ée]ch[ée]ance|vencimiento|scadenza)\b",
    re.IGNORECASE,
)
_BARE = re.compile(r"(?:date|datum|fecha|data)", re.IGNORECASE)
_DUE_WORD = re.compile(r"due|f[äa]llig|f[äa]lligkeit|[ée]ch[ée]ance|vencimiento|scadenza", re.IGNORECASE)


@dataclass(frozen=True)
class _Slot:
    start: int
    end: int
    role: str
    """"issue_date", "due_date", "date" (a bare "Date") or "" (another date: delivery, order, ...)."""


def _slots(text: str) -> list[_Slot]:
    slots: list[_Slot] = []
    for m in _DATE_WORD.finditer(text):
        prev = re.search(r"(\S+)\s?$", text[: m.start()])
        joined = slots and prev and slots[-1].end == prev.end(1)
        if joined and _DUE_WORD.fullmatch(text[slots[-1].start : slots[-1].end]):
            continue  # "Due Date", "Fällig Datum": one label of two words
        phrase = text[prev.start() if prev else m.start() : m.end()]
        if ISSUE_DATE.search(phrase):
            role = "issue_date"
        elif DUE_DATE.search(phrase) or _DUE_WORD.fullmatch(m.group()):
            role = "due_date"
        else:
            # A bare "Date" is the document's date unless a word before it qualifies it ("Order Date").
            qualified = prev is not None and prev.group(1)[-1].isalpha()
            role = "date" if _BARE.fullmatch(m.group()) and not qualified else ""
        slots.append(_Slot(m.start(), m.end(), role))
    return slots


def header_row_dates(lines: Sequence[Line], order: DateOrder | None) -> list[Finding]:
    """Issue and due dates read from a header row of labels and the value row under it."""
    found: list[Finding] = []
    for line, below in zip(lines, lines[1:], strict=False):
        if below.page != line.page or re.search(r"\d", line.text):
            continue
        slots = _slots(line.text)
        dates = dates_in(below.text, order)
        # One date per label, checked first: it keeps the look behind each date to a row's few dates.
        if not slots or len(slots) != len(dates):
            continue
        # A row that labels its own dates, or a sentence ("bis zum 14.02."), is no value row.
        if _DATE_WORD.search(below.text) or any(PREPOSITION.search(below.text[: d.start]) for d in dates):
            continue
        for slot, d in zip(slots, dates, strict=True):
            if not slot.role:
                continue
            # Several dates that each land under their own label check one another.
            top = (0.8 if len(slots) >= 2 else 0.72) if slot.role != "date" else 0.65
            confidence = top if d.sure else top - 0.25
            span = Span(line.page, line.start + slot.start, below.start + d.end)
            field = "issue_date" if slot.role == "date" else slot.role
            found.append(Finding(field, d.iso, confidence, span))
    return found
