"""The seller's VAT id: a VAT-shaped number behind a VAT label, outside the buyer's and delivery blocks.

Invoices print both parties' VAT ids, and often a tax representative's. One behind a buyer's words ("Customer VAT
ID", "USt-IdNr. Kunde", "Vos références") or in the buyer's block is not the seller's. When the rest name one id,
it is the seller's: strongly where the seller's block or a line without any block holds it. When they name several,
each is claimed at a low confidence and review decides. A national tax number ("Steuernummer: 201/113/40209") is
claimed only where no VAT id is printed (a small business without one): at the auto-accept bar in the seller's
block, below it elsewhere. Where registration details are printed as a small table (`VAT Registration No.  Phone No.`
over `DE777777777  999 / 9 99 99 99`), the id is the unbroken token in the row below, in its label's column.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from itertools import pairwise

from claimflow.runtime.backends.rules._claims import Finding
from claimflow.runtime.backends.rules._lines import Line, span_of
from claimflow.runtime.backends.rules._roles import BUYER_MENTION, Block, Role, roles
from claimflow.state.labels import COLUMN_SLACK

_Reader = Callable[[str, int], list[tuple[int, int, str]]]
"""Values in a line's text from an offset on: where each starts and ends, and its value."""
CONFLICT = 0.4
"""Each id, when the seller's side prints several: review decides."""
_SURE, _PLACELESS = 0.86, 0.82
"""A VAT id in the seller's block (or in a document without party blocks), and one outside every block."""
_TAX_SURE, _TAX_PLACELESS = 0.8, 0.7
"""A tax number in the seller's block, and one anywhere else."""
_VAT_LABEL = re.compile(
    r"(?i)\b(?:vat(?:\s+(?:reg(?:istration)?\.?|id(?:entification)?|no\.?|number|#))*"
    r"|u\.?\s?st\.?[\s.-]*id(?:ent)?\.?[\s.-]*(?:nr\.?)?|umsatzsteuer[\s-]*id(?:entifikationsnummer)?(?:[\s.-]*nr\.?)?"
    r"|uid(?:[\s.-]*nr\.?)?|n[°º]\s*(?:de\s+)?tva(?:\s+intra(?:communautaire)?)?|num[ée]ro\s+de\s+tva"
    r"|tva\s+intra(?:communautaire)?|nif|cif|partita\s+iva|p\.\s?iva|btw(?:-?\s?(?:nummer|nr\.?))?|gst\s+(?:reg\.?\s+)?no\.?"
    r"|tax\s+id|tax\s+reg(?:istration)?\.?\s+no\.?)(?![\w-])"
)
_UNBROKEN_VAT_ID = re.compile(r"(?<![\w-])[A-Z]{2}[0-9A-Z]{6,}(?![\w-])")
"""A VAT id written as one token, as a table's cell holds it."""
_TAX_NUMBER_LABEL = re.compile(r"(?i)\b(?:steuernummer|st\.?-?\s?nr\.?|tax\s+(?:no\.?|number))(?![\w-])")
# A VAT id: a country code, then letters and digits, in groups split by single spaces, dots or dashes.
_VAT_ID = re.compile(r"(?<![\w-])([A-Z]{2})[ .-]?([0-9A-Z]{2,}(?:[ .-][0-9A-Z]{2,})*)(?![\w-])")
_TAX_NUMBER = re.compile(r"(?<![\w/])\d{2,5}(?:/\d{3,5}){1,2}(?![\w/])|(?<!\w)\d{10,13}(?!\w)")
_AFTER_LABEL = 16
"""How far behind its label a value may start (colons, spaces, the words "No." or "Nr.")."""


def invoice_tax_id(lines: Sequence[Line], parties: Sequence[Block]) -> list[Finding]:
    """The seller's VAT id, compact; several at a low confidence; else a tax number, less surely.

    `parties`: the document's party blocks (`blocks`), which say whose each line is.
    """
    placed = roles(parties)

    def sure(role: Role | None) -> float:
        # Without any party block, a line is as likely the seller's as anyone's.
        return _SURE if role == "seller" or not parties else _PLACELESS

    vat = []
    for line in lines:
        role = placed.get(line.index)
        vat += _labelled(line, role, _VAT_LABEL, _vat_ids, sure(role))
    for heading, row in pairwise(lines):
        role = placed.get(row.index)
        vat += _headed(heading, row, role, sure(role))
    if vat:
        return _one_or_each(vat)
    # A tax number outside the seller's block may be anyone's: the buyer's, a tax adviser's.
    taxes = []
    for line in lines:
        role = placed.get(line.index)
        taxes += _labelled(
            line, role, _TAX_NUMBER_LABEL, _tax_numbers, _TAX_SURE if role == "seller" else _TAX_PLACELESS
        )
    return _one_or_each(taxes)


def _one_or_each(found: list[Finding]) -> list[Finding]:
    if len({finding.value for finding in found}) > 1:
        return [Finding(f.field, f.value, min(f.confidence, CONFLICT), f.span) for f in found]
    return [max(found, key=lambda finding: finding.confidence)] if found else []


def _labelled(
    line: Line, role: Role | None, label: re.Pattern[str], values: _Reader, confidence: float
) -> list[Finding]:
    """The values behind each of `label`'s places on `line`, unless its block (`role`) or words are the buyer's."""
    if role in ("buyer", "delivery"):
        return []
    findings = []
    for hit in label.finditer(line.text):
        if _buyers(line.text, hit):
            continue
        for start, end, value in values(line.text, hit.end()):
            if start - hit.end() <= _AFTER_LABEL and not line.text[hit.end() : start].strip(" :.#-\t").strip():
                findings.append(Finding("vendor_tax_id", value, confidence, span_of(line, hit.start(), end)))
                break
    return findings


def _headed(heading: Line, row: Line, role: Role | None, confidence: float) -> list[Finding]:
    """A VAT id in the row under a heading row's VAT label, starting in the label's column.

    Designed invoices print their registration details as a small table, `VAT Registration No.  Phone No.` over
    `DE777777777  999 / 9 99 99 99`: the columns part the values there, so only the unbroken token under the label
    is the id. A label with a value of its own on its line is no heading (`_labelled` reads it).
    """
    if row.page != heading.page or role in ("buyer", "delivery"):
        return []
    findings = []
    for hit in _VAT_LABEL.finditer(heading.text):
        if _buyers(heading.text, hit):
            continue
        if any(start - hit.end() <= _AFTER_LABEL for start, _, _ in _vat_ids(heading.text, hit.end())):
            continue
        match = _UNBROKEN_VAT_ID.search(row.text, max(0, hit.start() - COLUMN_SLACK))
        if match and abs(match.start() - hit.start()) <= COLUMN_SLACK and _enough_digits(match[0]):
            findings.append(Finding("vendor_tax_id", match[0], confidence, span_of(row, match.start(), match.end())))
    return findings


def _buyers(text: str, label: re.Match[str]) -> bool:
    """True where the words around a label say it is the buyer's ("Customer VAT ID", "USt-IdNr. Kunde")."""
    return BUYER_MENTION.search(text[max(0, label.start() - 24) : label.end() + 8]) is not None


def _enough_digits(value: str) -> bool:
    """A VAT id has six digits at least: fewer is a word in capitals or a code of another kind."""
    return sum(ch.isdigit() for ch in value) >= 6


def _vat_ids(text: str, at: int) -> list[tuple[int, int, str]]:
    found = []
    for match in _VAT_ID.finditer(text, at):
        value = (match.group(1) + re.sub(r"[ .-]", "", match.group(2))).upper()
        if _enough_digits(value):
            found.append((match.start(), match.end(), value))
    return found


def _tax_numbers(text: str, at: int) -> list[tuple[int, int, str]]:
    return [(match.start(), match.end(), match.group()) for match in _TAX_NUMBER.finditer(text, at)]
