"""Invoice header fields: number, issue and due dates, currency."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from claimflow.runtime.backends.rules._claims import Finding, best
from claimflow.runtime.backends.rules._columns import header_row_dates
from claimflow.runtime.backends.rules._dated import date_after
from claimflow.runtime.backends.rules._detached import detached_header, place_date, title_date
from claimflow.runtime.backends.rules._due import column_due_date, combine_due_dates, discount_ends, sentence_due_dates
from claimflow.runtime.backends.rules._labels import (
    CURRENCY,
    DUE_DATE,
    GENERIC_DATE,
    INVOICE_NUMBER,
    ISSUE_DATE,
    amount_role,
)
from claimflow.runtime.backends.rules._lines import Line, Span, span_of
from claimflow.runtime.backends.rules._values import SPACES, DateOrder, currencies_in, dates_in, identifier_after

_TITLE_NUMBER = re.compile(
    r"^(?:tax\s+)?(?:invoice|rechnung|facture|factura|fattura|factuur|fatura)\s*[#:]?\s*", re.IGNORECASE
)
_NOT_ISSUE = re.compile(
    r"\b(?:deliver\w*|liefer(?:datum|ung)|leistungs\w*|period|zeitraum|p[ée]riode|livraison|entrega"
    r"|refers?|bezug|order|bestell\w*|commande|pedido|valid|gültig|expir\w*|print\w*|zeit|time"
    # A due date, or the start or end of a period, is no issue date.
    r"|due|f[äa]llig\w*|[ée]ch[ée]ance|vencimiento|scadenza|d[ée]but|fin|start|end|beginn|ende|inicio|fine)\b",
    re.IGNORECASE,
)
# "Nr. 210111 mit LV vom 30.05.2026": words between the number and its date may belong to the number.
_NUMBER_GOES_ON = re.compile(r"\s+(?:[^\s:]+\s+){1,3}?(?:vom|du|dated|del|van)\s+\d", re.IGNORECASE)
# "Date of the associated / original invoice" dates another document.
_REFERENCED = re.compile(
    r"\b(?:associ\w*|refer\w*|preceding|previous|original|ursprüngliche\w*|vorherige\w*|corrected|bezug\w*"
    r"|pr[ée]c[ée]dente?|anterior|precedente)\b",
    re.IGNORECASE,
)
_DATED_TITLE = re.compile(
    r"\b(?:invoice|\w*rechnung|facture|factura|fattura|factuur)\b[^\n]{0,40}?\b(?:vom|du|dated|del|of|van)\s+$",
    re.IGNORECASE,
)


def invoice_number(lines: Sequence[Line]) -> Finding | None:
    """The invoice number after its label, on the line or just below it."""
    findings: list[Finding] = []
    for line in lines:
        for m in INVOICE_NUMBER.finditer(line.text):
            if token := identifier_after(line.text, m.end()):
                confidence = 0.6 if _NUMBER_GOES_ON.match(line.text, token[1]) else 0.9
                value = line.text[token[0] : token[1]]
                findings.append(Finding("invoice_number", value, confidence, span_of(line, m.start(), token[1])))
                break
            nxt = lines[line.index + 1] if line.index + 1 < len(lines) else None
            if (
                line.text[m.end() :].strip(SPACES + ":#°") == ""
                and nxt
                and nxt.page == line.page
                and len(nxt.text) <= 30
            ):
                if token := identifier_after(nxt.text, 0):
                    span = Span(line.page, line.start + m.start(), nxt.start + token[1])
                    findings.append(Finding("invoice_number", nxt.text[token[0] : token[1]], 0.7, span))
        if title := _TITLE_NUMBER.match(line.text):
            if token := identifier_after(line.text, title.end()):
                findings.append(
                    Finding("invoice_number", line.text[token[0] : token[1]], 0.75, span_of(line, 0, token[1]))
                )
    findings += [f for f in detached_header(lines, None) if f.field == "invoice_number"]
    chosen = best(findings)
    if chosen and len({f.value for f in findings if f.confidence >= chosen.confidence}) > 1:
        return Finding(chosen.field, chosen.value, chosen.confidence - 0.2, chosen.span)
    return chosen


def issue_date(lines: Sequence[Line], order: DateOrder | None) -> Finding | None:
    """The date the invoice was issued."""
    findings: list[Finding] = []
    for line in lines:
        if _REFERENCED.search(line.text):
            continue
        if m := ISSUE_DATE.search(line.text):
            top = 0.7 if m.group().lower() == "dated" else 0.92
            if found := date_after("issue_date", line, lines, m.start(), order, top):
                findings.append(found)
        elif (m := GENERIC_DATE.match(line.text)) and not _NOT_ISSUE.search(line.text):
            if found := date_after("issue_date", line, lines, m.start(), order, 0.78):
                findings.append(found)
        for d in dates_in(line.text, order):
            if _DATED_TITLE.search(line.text[: d.start]):
                findings.append(Finding("issue_date", d.iso, 0.85 if d.sure else 0.6, span_of(line, 0, d.end)))
    findings += [f for f in header_row_dates(lines, order) if f.field == "issue_date"]
    findings += [f for f in detached_header(lines, order) if f.field == "issue_date"]
    findings += [f for f in (title_date(lines, order), place_date(lines, order)) if f is not None]
    return best(findings)


def due_date(lines: Sequence[Line], order: DateOrder | None, issued: str | None) -> Finding | None:
    """The payment due date: labelled, in a header row, in a terms table or in a terms sentence."""
    labelled: list[Finding] = []
    for line in lines:
        if m := DUE_DATE.search(line.text):
            found = date_after("due_date", line, lines, m.start(), order, 0.88)
            # "Zahlbar bis 06.06. mit 2 % Skonto" names a discount deadline, not the due date.
            if found and found.span.end not in discount_ends(lines, line, order):
                labelled.append(found)
    labelled += [f for f in header_row_dates(lines, order) if f.field == "due_date"]
    chosen = combine_due_dates(labelled, column_due_date(lines, order), sentence_due_dates(lines, order))
    if chosen and issued and chosen.value < issued:
        return Finding(chosen.field, chosen.value, min(chosen.confidence, 0.4), chosen.span)
    return chosen


_PRICE_BEFORE = re.compile(r"\d[\s.:]{0,2}$")
_PRICE_AFTER = re.compile(r"[\s.:]{0,2}-?\d")
_OPEN_BEFORE = re.compile(r"\(\s*$")
_CLOSE_AFTER = re.compile(r"\s*\)")
_IN_BEFORE = re.compile(r"\b(?:in|en|amounts?|betr[äa]ge|montants?|importes?)\s*$", re.IGNORECASE)
_LAST_WORD = re.compile(r"(\S+)\s*$")
_LOOK_BACK = 80
"""Characters before a code that can tell what it prices: a label word and a few spaces. Searching the whole
line before every code instead made a line of many codes quadratic."""


def _prices(text: str, start: int, end: int) -> bool:
    # A code counts only where it prices something: "Sdn Bhd" is a company, not Bahraini dinars.
    before = text[max(0, start - _LOOK_BACK) : start]
    return bool(
        _PRICE_BEFORE.search(before)
        or _PRICE_AFTER.match(text, end)
        or _OPEN_BEFORE.search(before)
        and _CLOSE_AFTER.match(text, end)
        or _IN_BEFORE.search(before)
        or _after_amount_label(before)
    )


def _after_amount_label(before: str) -> bool:
    """A code right after an amount's label ("Total € incl. VAT", "Netto EUR  MwSt. EUR") names its currency."""
    word = _LAST_WORD.search(before)
    return word is not None and amount_role(word.group(1)) not in (None, "skip")


def _holds(line: Line, span: Span | None) -> bool:
    return span is not None and line.page == span.page and line.start <= span.start <= line.end


def currency(lines: Sequence[Line], total_span: Span | None) -> Finding | None:
    """The invoice currency: a labelled code, else the one code the amounts are printed with."""
    counts: Counter[str] = Counter()
    first: dict[str, Finding] = {}
    for line in lines:
        mentions = currencies_in(line.text)
        label = CURRENCY.search(line.text)
        after = [mention for mention in mentions if label and mention[1] >= label.start()]
        if label and after:
            code, _, end = after[0]
            return Finding("currency", code, 0.95, span_of(line, label.start(), end))
        for code, start, end in mentions:
            if not _prices(line.text, start, end):
                continue
            counts[code] += 1
            on_total = _holds(line, total_span)
            if code not in first or on_total:
                # Quote the total's line when it carries the currency: it shows what the code prices.
                span = span_of(line, 0, len(line.text)) if on_total else span_of(line, start, end)
                first[code] = Finding("currency", code, 0.0, span)
    if not counts:
        return None
    code, n = counts.most_common(1)[0]
    if len(counts) > 1:
        confidence = 0.55
    else:
        confidence = 0.88 if n >= 3 else 0.8 if n == 2 else 0.65
    found = first[code]
    return Finding("currency", code, confidence, found.span)
