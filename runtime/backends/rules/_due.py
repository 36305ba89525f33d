"""The payment due date: from a payment-terms sentence, or from the due column of a terms table.

A labelled "Due date: ..." is read with the other header dates (`_invoice.py`). Here are the two
places a due date hides otherwise:

- a sentence: "Zahlbar bis zum 13.06.2026 ohne Abzug", "Payable by March 3, 2026", "À régler avant
  le 15/03/2024". A date that closes a discount period ("bis 06.06. mit 2 % Skonto") is not one.
- a table of payment terms whose header names a due column ("Description  Due date  Amount"):
  each row ends with its due date. The first row is the first instalment; rows that disagree
  leave the choice to a reviewer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from claimflow.runtime.backends.rules._claims import Finding, best
from claimflow.runtime.backends.rules._lines import Line, Span
from claimflow.runtime.backends.rules._payment_terms import PREPOSITION, term_dates
from claimflow.runtime.backends.rules._values import DateOrder, dates_in

_DUE_COLUMN = re.compile(
    r"\b(?:f[äa]lligkeit(?:sdatum)?|f[äa]llig\s+am|due\s+date|date\s+due|[ée]ch[ée]ance|vencimiento|scadenza"
    r"|vervaldatum)\b",
    re.IGNORECASE,
)
# A labelled date ("Invoice date 01.02.2024") is no column value.
_DATE_LABEL = re.compile(r"dat(?:e|um|a)\b|fecha|\bdated?\b", re.IGNORECASE)
_MAX_ROWS = 8


def sentence_due_dates(lines: Sequence[Line], order: DateOrder | None) -> list[Finding]:
    """Dates that a payment-terms clause names as the net due date.

    A cue in running text is weaker than a "Due date:" label: alone it stays below auto-accept.
    """
    found: list[Finding] = []
    for line in lines:
        for d in term_dates(lines, line, order):
            if d.kind == "net":
                found.append(Finding("due_date", d.iso, 0.75 if d.sure else 0.5, _clause_span(line, d.start, d.end)))
    return found


def discount_ends(lines: Sequence[Line], line: Line, order: DateOrder | None) -> set[int]:
    """Page offsets where a discount deadline ends, on `line` and the line below it."""
    near = [other for other in lines[line.index : line.index + 2] if other.page == line.page]
    return {d.end for other in near for d in term_dates(lines, other, order) if d.kind == "discount"}


def _clause_span(line: Line, start: int, end: int) -> Span:
    # Quote the whole line so the cue around the date is part of the evidence.
    return Span(line.page, min(line.start, start), max(line.end, end))


def _header(line: Line) -> bool:
    """A column header: several words, no figures, no "Label:", one of them naming the due date."""
    text = line.text
    return len(text.split()) >= 3 and not re.search(r"[\d:]", text) and bool(_DUE_COLUMN.search(text))


def _row_end(line: Line) -> bool:
    """A row of the table ends here: another heading (words without figures) or a "Label: value" line."""
    words = line.text.split()
    return ":" in line.text or (len(words) >= 3 and not any(ch.isdigit() for ch in line.text))


def _column_value(line: Line, order: DateOrder | None) -> tuple[int, int, str, bool] | None:
    """The date that ends the row, when it stands in a column rather than inside the row's sentence."""
    dates = dates_in(line.text, order)
    if not dates or line.text[dates[-1].end :].strip():
        return None
    d = dates[-1]
    if PREPOSITION.search(line.text[: d.start]) or _DATE_LABEL.search(line.text[: d.start]):
        return None
    return d.start, d.end, d.iso, d.sure


def column_due_date(lines: Sequence[Line], order: DateOrder | None) -> Finding | None:
    """The first due date in the due column of a payment-terms table."""
    for header in lines:
        if not _header(header):
            continue
        values: list[tuple[Line, tuple[int, int, str, bool]]] = []
        for row in lines[header.index + 1 : header.index + 1 + _MAX_ROWS]:
            if row.page != header.page or _row_end(row):
                break
            if value := _column_value(row, order):
                values.append((row, value))
        if not values:
            continue
        row, (start, end, iso, sure) = values[0]
        agreed = len({v[2] for _, v in values}) == 1
        confidence = (0.85 if agreed else 0.6) if sure else 0.5
        return Finding("due_date", iso, confidence, Span(header.page, header.start, row.start + end))
    return None


def combine_due_dates(
    labelled: Sequence[Finding], column: Finding | None, sentences: Sequence[Finding]
) -> Finding | None:
    """A label first, then the terms table, then a terms sentence; other readings confirm or doubt it."""
    sources = [list(labelled), [column] if column else [], list(sentences)]
    ranked = [chosen for group in sources if (chosen := best(group)) is not None]
    if not ranked:
        return None
    chosen = ranked[0]
    values = {f.value for group in sources for f in group}
    if len(values) > 1:
        return Finding(chosen.field, chosen.value, min(chosen.confidence, 0.6), chosen.span)
    if len(ranked) > 1 and ranked[1].confidence >= 0.7:
        # Two different readings of the page name the same date.
        return Finding(chosen.field, chosen.value, max(chosen.confidence, 0.85), chosen.span)
    return chosen
