"""The buyer of an invoice: the name at the head of the block it is billed to.

A "Name:" line in the buyer's block, a heading with the name after its colon ("Bill to: Acme Ltd"), or a name on
the line right under a heading alone on its line, is strong evidence. A name further down the block is good
evidence when it carries a legal form, and a guess otherwise. The addressee under a window-envelope sender line,
with its address right below, reaches the auto-accept bar and no further: no heading says it is the buyer.
"""

from __future__ import annotations

from collections.abc import Sequence

from claimflow.runtime.backends.rules._claims import Finding
from claimflow.runtime.backends.rules._lines import span_of
from claimflow.runtime.backends.rules._names import NAME_LABEL, has_legal_form, looks_like_name, strip_registration
from claimflow.runtime.backends.rules._roles import HEADINGS, Block

CONFLICT = 0.4
"""Each name, when the buyer's blocks name different buyers: review decides."""
ADDRESSEE = 0.8
"""A name under a window-envelope sender line with an address (a street, a postcode) right below it."""
GUESS = 0.6
"""A name under a sender line with no address below it: it may be a department, or anything."""
_FIRST_LINES = 3
"""How far down its block a buyer's name may stand (a customer number or a contact may come first)."""


def invoice_buyer(parties: Sequence[Block]) -> list[Finding]:
    """The buyer's name from each buyer block (of `blocks`); one, or each at a low confidence when they differ."""
    buyers = [block for block in parties if block.role == "buyer"]
    headed = [finding for block in buyers if not block.envelope for finding in [_name_in(block)] if finding]
    # The addressee under a sender line is a guess, for when no heading names the buyer.
    found = headed or [finding for block in buyers if block.envelope for finding in [_name_in(block)] if finding]
    names = {finding.value.casefold() for finding in found}
    if len(names) > 1:
        return [Finding(f.field, f.value, min(f.confidence, CONFLICT), f.span) for f in found]
    return [max(found, key=lambda finding: finding.confidence)] if found else []


def _addressee(block: Block) -> Finding | None:
    """The name under a sender line: sure enough when an address follows it, a guess otherwise.

    The sender's own name under its sender line (a letterhead) is no addressee.
    """
    first = block.lines[0] if block.lines else None
    if first is None or not looks_like_name(first.text) or any(ch.isdigit() for ch in first.text):
        return None
    if first.text.casefold() in block.heading.text.casefold():
        return None
    addressed = any(any(ch.isdigit() for ch in line.text) for line in block.lines[1:3])
    confidence = ADDRESSEE if addressed else GUESS
    return Finding("buyer_name", first.text, confidence, span_of(first, 0, len(first.text)))


def _name_in(block: Block) -> Finding | None:
    if block.envelope:
        return _addressee(block)
    heading = HEADINGS["buyer"].match(block.heading.text)
    rest = (heading.group("rest") or "").strip() if heading else ""
    if rest:
        name = strip_registration(rest)
        if looks_like_name(name):
            return Finding("buyer_name", name, 0.85, span_of(block.heading, 0, len(block.heading.text)))
        return None
    for line in block.lines:
        if named := NAME_LABEL.match(line.text):
            value = line.text[named.end() :].strip()
            if looks_like_name(value):
                return Finding("buyer_name", value, 0.88, span_of(line, 0, len(line.text)))
    for place, line in enumerate(block.lines[:_FIRST_LINES]):
        if looks_like_name(line.text) and ":" not in line.text:
            # Right under its heading a block prints its name; further down, a contact or a department may.
            confidence = 0.82 if place == 0 else 0.78 if has_legal_form(line.text) else 0.65
            return Finding("buyer_name", line.text, confidence, span_of(line, 0, len(line.text)))
    return None
