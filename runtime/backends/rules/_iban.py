"""The IBAN an invoice asks to be paid into: the masked IBAN behind an "IBAN" label, not the buyer's.

Extractors see IBANs as placeholders (`[IBAN_1]`): masking found them by their shape and check digits, so a
placeholder behind the label, or under the label alone on the line above, is strong evidence, and apply gives the
claim its original back. One with no label is a fair guess. One beside the buyer's words ("Ihre IBAN", "Customer
IBAN": a direct debit from the buyer's account) is not the account to pay. Two different ones go to review.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from claimflow.runtime.backends.rules._claims import Finding
from claimflow.runtime.backends.rules._lines import Line, Span, span_of
from claimflow.runtime.backends.rules._roles import BUYER_MENTION

CONFLICT = 0.4
"""Each IBAN, when the document asks for payment into two: review decides."""
_PLACEHOLDER = re.compile(r"\[IBAN_\d+\]")
_LABEL = re.compile(r"(?i)\biban(?:[\s.-]*(?:no|nr)\.?)?[\s:.#-]*$")
_LABELLED, _BELOW_LABEL, _UNLABELLED = 0.86, 0.82, 0.7


def masked_ibans(lines: Sequence[Line]) -> bool:
    """Whether masking replaced any IBAN in the text."""
    return any(_PLACEHOLDER.search(line.text) for line in lines)


def invoice_iban(lines: Sequence[Line]) -> list[Finding]:
    """The seller's IBAN placeholder; one finding, or each at a low confidence when they differ."""
    found = []
    for line in lines:
        above = lines[line.index - 1] if line.index and lines[line.index - 1].page == line.page else None
        for placeholder in _PLACEHOLDER.finditer(line.text):
            before = line.text[max(0, placeholder.start() - 24) : placeholder.start()]
            if BUYER_MENTION.search(before):
                continue
            if label := _LABEL.search(before):
                start = placeholder.start() - len(before) + label.start()
                found.append(Finding("iban", placeholder.group(), _LABELLED, span_of(line, start, placeholder.end())))
            elif above is not None and not before.strip() and _LABEL.fullmatch(above.text):
                # "IBAN:" alone on its line, the IBAN under it: quoted from the label down.
                span = Span(line.page, above.start, line.start + placeholder.end())
                found.append(Finding("iban", placeholder.group(), _BELOW_LABEL, span))
            else:
                found.append(
                    Finding(
                        "iban", placeholder.group(), _UNLABELLED, span_of(line, placeholder.start(), placeholder.end())
                    )
                )
    if len({finding.value for finding in found}) > 1:
        return [Finding(f.field, f.value, min(f.confidence, CONFLICT), f.span) for f in found]
    return [max(found, key=lambda finding: finding.confidence)] if found else []
