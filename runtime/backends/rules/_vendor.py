"""The seller of an invoice: a labelled seller block, the sender line, or a company-name line.

Only a labelled seller block is strong evidence. The sender line above a window-envelope address
("Acme GmbH · Street 1 · 12345 Town") and a repeated company name are good guesses, and their
confidence says so. A line that prints a buyer's role (`Bill to: Fabrikam Inc`, `Kunde: Müller GmbH`) is never the
seller's name.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from claimflow.runtime.backends.rules._claims import Finding
from claimflow.runtime.backends.rules._lines import Line, span_of
from claimflow.runtime.backends.rules._names import NAME_LABEL, has_legal_form, looks_like_name
from claimflow.runtime.backends.rules._roles import SELLER_WORDS, is_sender_line

_SELLER = re.compile(rf"^(?:{SELLER_WORDS})\b\s*(?::\s*|$)", re.IGNORECASE)
_BUYER = re.compile(
    r"\b(?:bill(?:ed)?\s+to|ship(?:ped)?\s+to|sold\s+to|invoice\s+to|buyer|customer|client|k[äa]ufer|kunde"
    r"|rechnungsempf[äa]nger|leistungsempf[äa]nger|empf[äa]nger|acheteur|destinataire|cliente|comprador"
    r"|klant|afnemer|committente)\b",
    re.IGNORECASE,
)
_SENDER_SEP = re.compile(r"\s+[·•|]\s+|\s+-\s+|,\s+")
_SELLER_CUE = re.compile(
    r"\b(?:vat|ust|u\.?st\.?-?id|tax\s+id|iban|hrb|hra|registered|geschäftsführer|sitz|siren|siret|rcs)\b", re.I
)


def _labelled(lines: Sequence[Line]) -> Finding | None:
    for line in lines:
        m = _SELLER.match(line.text)
        if not m:
            continue
        rest = line.text[m.end() :]
        if rest and looks_like_name(rest):
            return Finding("vendor_name", rest.strip(), 0.85, span_of(line, 0, len(line.text)))
        block = [other for other in lines[line.index + 1 : line.index + 7] if other.page == line.page]
        for other in block:
            if named := NAME_LABEL.match(other.text):
                value = other.text[named.end() :].strip()
                if looks_like_name(value):
                    return Finding("vendor_name", value, 0.88, span_of(other, 0, len(other.text)))
        for other in block[:3]:
            if looks_like_name(other.text) and has_legal_form(other.text):
                return Finding("vendor_name", other.text, 0.78, span_of(other, 0, len(other.text)))
    return None


def _letterhead(lines: Sequence[Line]) -> Finding | None:
    """A company name heading page 1 that the document repeats (payment details, footer) is the sender."""
    head = [line for line in lines if line.page == 1][:3]
    for line in head:
        if is_sender_line(line):
            break  # the lines below a window-envelope sender line are the recipient's address
        name = line.text.strip()
        if not (looks_like_name(name) and has_legal_form(name)) or _BUYER.search(name):
            continue
        repeats = any(name in other.text for other in lines if other.index > head[-1].index)
        return Finding("vendor_name", name, 0.86 if repeats else 0.7, span_of(line, 0, len(line.text)))
    return None


def _sender_line(lines: Sequence[Line]) -> Finding | None:
    for line in [ln for ln in lines if ln.page == 1][:12]:
        parts = _SENDER_SEP.split(line.text)
        if len(parts) < 3 or not any(re.search(r"\d", part) for part in parts[1:]):
            continue
        name = parts[0].strip()
        if not looks_like_name(name) or _BUYER.search(name):
            continue
        # Commas also separate the parts of a plain address line ("Unit 4, Harbour Park, 17 Quay Road"):
        # there, only a name with a legal form is a sender.
        if "," in line.text and not any(sep in line.text for sep in "·•|") and not has_legal_form(name):
            continue
        # The short form on the sender line ("Acme") often stands for a fuller name elsewhere.
        for other in lines:
            if other is not line and other.text.startswith(name) and has_legal_form(other.text):
                if looks_like_name(other.text) and len(other.text) <= len(name) + 40:
                    repeated = other.text.strip() == name
                    confidence = 0.8 if repeated else 0.72
                    return Finding("vendor_name", other.text.strip(), confidence, span_of(other, 0, len(other.text)))
        confidence = 0.72 if has_legal_form(name) else 0.6
        return Finding("vendor_name", name, confidence, span_of(line, 0, len(name)))
    return None


def _company_lines(lines: Sequence[Line]) -> Finding | None:
    scored: list[tuple[float, Line]] = []
    buyer_until = -1
    for line in lines:
        if _BUYER.search(line.text):
            buyer_until = line.index + 5
            continue  # the buyer's heading, with the buyer's name after it (`Bill to: Fabrikam Inc`) or not
        if not (looks_like_name(line.text) and has_legal_form(line.text) and len(line.text.split()) <= 7):
            continue
        score = sum(other.text == line.text for other in lines) * 1.0
        score += 1.0 if line.index < 8 else 0.0
        near = lines[max(0, line.index - 3) : line.index + 4]
        score += 1.0 if any(_SELLER_CUE.search(other.text) for other in near) else 0.0
        score -= 2.0 if line.index <= buyer_until else 0.0
        scored.append((score, line))
    if not scored:
        return None
    score, line = max(scored, key=lambda item: (item[0], -item[1].index))
    return Finding("vendor_name", line.text, 0.7 if score >= 3 else 0.55, span_of(line, 0, len(line.text)))


def invoice_vendor(lines: Sequence[Line]) -> Finding | None:
    """The seller's name, from the strongest cue the document offers."""
    for rule in (_labelled, _letterhead, _sender_line, _company_lines):
        if found := rule(lines):
            return found
    return None
