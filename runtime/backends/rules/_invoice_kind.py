"""What kind of invoice a document is (a commercial invoice, a credit note, a partial invoice, ...), by its title.

The title is a line near the top that is one of the kinds' printed names alone, or that name and the document's
number ("Gutschrift Nr. 42", "Handelsrechnung (380) Nr. 99877 vom 30.05.2026"); a label is no title ("Invoice No.:
7", "Invoice Date: ...": a credit note prints the invoice it corrects so). The longest name
wins on a line ("Abschlagsrechnung", not "Rechnung"); a code printed beside it ("Teilrechnung Bau (875)") says the
kind where the name alone would not. Titles of one kind are claimed surely, and its code
(UNTDID 1001) with it; titles of two kinds go to review with each.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from claimflow.runtime.backends.rules._claims import Finding
from claimflow.runtime.backends.rules._lines import Line, span_of

CONFLICT = 0.4
"""Each kind, when titles of two kinds are printed: review decides."""
_SURE = 0.85
_TOP_LINES = 40
"""How far down a title may stand."""
_ALONE = re.compile(r"[\s:.\-]*(?:\(\d{3}\))?[\s:.\-]*(?:original|copy|duplicate|kopie|duplikat|copie)?[\s.]*", re.I)
"""What may stand beside a title alone on its line: its code as the e-invoice visualisation prints it, a copy mark."""
_CODE = re.compile(r"\((\d{3})\)")
"""A kind's code as e-invoice visualisations print it beside the title ("Teilrechnung Bau (875)"): it says the kind."""
_NUMBERED = re.compile(
    r"[^\S\n]+(?:[^\W\d_]+[^\S\n]+(?=\(\d{3}\)))?(?:\(\d{3}\)[^\S\n]*)?(?:(?:n[or]\.?|n[°º]|#)[^\S\n]*)?"
    r"(?=[\w/.\-]*\d)[A-Z0-9][\w/.\-]*",
    re.IGNORECASE,
)
"""A title followed by the document's number ("Rechnung Nr. 5120", "Invoice 103767"); not a label ("Invoice No.: 7")."""


def invoice_kind(lines: Sequence[Line], kinds: Mapping[str, Sequence[str]], codes: Mapping[str, str]) -> list[Finding]:
    """The kind of invoice by its title lines, and its code; each kind at a low confidence when titles disagree.

    Args:
        lines: The document's lines.
        kinds: Each kind (`invoice_type`'s values) with the names documents print for it.
        codes: Each kind's UNTDID 1001 code (`invoice_type_code`'s values).
    """
    names = sorted(
        ((name, name.casefold(), kind) for kind, printed in kinds.items() for name in printed),
        key=lambda named: -len(named[0]),
    )
    by_code = {code: kind for kind, code in codes.items()}
    titles = [
        (by_code.get(printed or "", kind), line)
        for line in lines[:_TOP_LINES]
        if (found := _title(line, names)) is not None
        for kind, printed in [found]
    ]
    if not titles:
        return []
    confidence = _SURE if len({kind for kind, _ in titles}) == 1 else CONFLICT
    findings: list[Finding] = []
    for kind, line in titles:
        span = span_of(line, 0, len(line.text))
        findings.append(Finding("invoice_type", kind, confidence, span))
        if kind in codes:
            findings.append(Finding("invoice_type_code", codes[kind], confidence, span))
    return findings


def _title(line: Line, names: Sequence[tuple[str, str, str]]) -> tuple[str, str | None] | None:
    """The kind whose name begins a title `line` (the name alone, or numbered after it), and any code beside it.

    `names` are (name, its casefold, kind), longest first.
    """
    folded = line.text.casefold()
    for name, folded_name, kind in names:
        if not folded.startswith(folded_name):
            continue
        rest = line.text[len(name) :]
        if rest[:1].isalnum():  # "Rechnungsnummer" is no title "Rechnung"
            continue
        if _ALONE.fullmatch(rest) or _NUMBERED.match(rest):
            printed = _CODE.search(rest[:24])
            return kind, printed.group(1) if printed else None
        return None
    return None
