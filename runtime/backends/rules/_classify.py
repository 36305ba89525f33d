"""Offline cues for the built-in types: titles, vocabulary and the document's shape, scored per type.

Each built-in type's detector scores the pages on one scale (a title about 3, each telling cue 1, a
shape bonus); `_rank.py` picks the clear winner among every active type's detection.
"""

from __future__ import annotations

import re
import string
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Literal

from claimflow.runtime.backends.rules._labels import RECEIPT_TOTAL
from claimflow.runtime.backends.rules._lines import Line, evidence, span_of, split_lines
from claimflow.runtime.backends.rules._values import last_money
from claimflow.state.evidence import ClaimedEvidence
from claimflow.state.schema import Detection

DocType = Literal["invoice", "receipt", "contract"]


def _rx(words: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + words + r")\b", re.IGNORECASE)


_TITLES: dict[DocType, re.Pattern[str]] = {
    "invoice": _rx(
        r"(?:tax\s+|commercial\s+|pro[\s-]?forma\s+)?invoice|\w*rechnung|facture|factura|fattura|factuur|fatura"
        r"|faktura|credit\s+note|gutschrift"
    ),
    "receipt": _rx(
        r"receipt|official\s+receipt|cash\s+(?:sale|bill|receipt)|kassenbon|kassenbeleg|quittung|ticket\s+de\s+caisse"
        r"|re[çc]u|recibo|ricevuta|scontrino|kassabon|bon|sales\s+slip|simplified\s+tax\s+invoice"
    ),
    "contract": _rx(
        r"(?:[\w-]+\s+)?agreement|contract|vertrag|vereinbarung|contrat|contrato|contratto|overeenkomst"
        r"|covenant|memorandum\s+of\s+understanding|terms\s+and\s+conditions"
    ),
}
_CUES: dict[DocType, tuple[re.Pattern[str], ...]] = {
    "invoice": tuple(
        _rx(words)
        for words in (
            r"invoice\s+(?:number|no|date|#)|rechnungs(?:nummer|datum)|num[ée]ro\s+de\s+facture|facture\s+n",
            r"due\s+date|payment\s+due|f[äa]llig\w*|zahlungsziel|[ée]ch[ée]ance|vencimiento|scadenza|vervaldatum",
            r"payment\s+terms|zahlungsbedingungen|conditions\s+de\s+paiement|condiciones\s+de\s+pago",
            r"bill\s+to|invoice\s+to|rechnungsempf[äa]nger|adresse\s+de\s+facturation|k[äa]ufer|buyer",
            r"vat\s+(?:id|no|reg\w*|number)|ust-?id\w*|tva\s+intra\w*|n°\s*tva|nif|cif|partita\s+iva|btw-?nummer",
            r"net(?:to)?\s*(?:amount|total|betrag)|nettobetrag|total\s+ht|ttc|subtotal|zwischensumme|base\s+imponible",
            r"unit\s+price|einzelpreis|prix\s+unitaire|precio\s+unitario|prezzo\s+unitario|quantity|menge",
            r"iban|bic|swift|bank\s+(?:details|account)|bankverbindung",
            r"purchase\s+order|order\s+(?:number|no)|bestellnummer|bon\s+de\s+commande|customer\s+(?:number|no)"
            r"|kundennummer",
            r"mwst|umsatzsteuer|vat|tva|iva|btw",
        )
    ),
    "receipt": tuple(
        _rx(words)
        for words in (
            r"cashier\w*|kasse|caissier|cajero|server|counter|terminal|pos|operator|served\s+by",
            r"change|kembali|r[üu]ckgeld|rendu|cambio",
            r"cash|tunai|bar|esp[eè]ces|efectivo|contanti|tendered",
            r"thank\s+y[o0]u|terima\s+kasih|vielen\s+dank|merci|gracias|grazie|please\s+come\s+again",
            r"rounding|round\s+adj\w*",
            r"item\s+count|total\s+qty|qty|pax|table",
            r"goods\s+sold\s+are\s+not|no\s+refund|exchange\s+within",
            r"visa|mastercard|debit|credit\s+card|card\s+no|approval\s+code",
            # A point-of-sale timestamp: a date and a time of day on one line.
            r"\d{1,2}[./-]\d{1,2}[./-]\d{2,4},?\s+\d{1,2}:\d{2}",
            r"bill\s*(?:no|#)|receipt\s*(?:no|#)|trans(?:action)?\s*(?:no|#|id)|table\s*(?:no|#)|member\w*",
        )
    ),
    "contract": tuple(
        _rx(words)
        for words in (
            r"whereas|now,?\s+therefore",
            r"hereby\s+agree|agree\s+as\s+follows|parties\s+agree|the\s+parties\s+hereto",
            r"governing\s+law|governed\s+by|laws\s+of\s+the\s+state",
            r"confidential\s+information|non-?disclosure|proprietary\s+information",
            r"in\s+witness\s+whereof|duly\s+authorized|signature",
            r"by\s+and\s+between|entered\s+into|hereinafter",
            r"terminat\w+|term\s+of\s+this",
            r"shall\s+(?:not\s+)?(?:be|have|remain|keep|use|disclose)",
            r"indemnif\w+|liabilit\w+|breach|remedies|injunctive",
        )
    ),
}


def _any_of(patterns: Sequence[re.Pattern[str]]) -> re.Pattern[str] | None:
    """One pattern that matches a text exactly when at least one of `patterns` does; None if they cannot be joined.

    An alternation matches at a place as soon as any alternative does there, so a line the joined pattern misses
    is a line every one of them misses. Joining is safe only with the same flags and no numbered groups.
    """
    flags = {p.flags for p in patterns}
    if len(flags) != 1 or any(p.groups for p in patterns):
        return None
    return re.compile("|".join(f"(?:{p.pattern})" for p in patterns), flags.pop())


class _AnyCase:
    r"""A pattern that ignores case, searched in an ASCII line as its lower-case twin in the line lowered.

    Matching without regard to case costs Python's `re` a case fold at every character it tries: the twin, the
    same pattern matching case, tried on a line lowered once, finds the same in a third to a half of the time. The
    two agree on an ASCII line when the pattern writes every letter in lower case (and so has no `\S`, `\W` or
    `\D`): an ASCII letter folds only to its other case. A line with other characters is searched with the pattern
    itself, since Unicode folds more (`ſ` is an `s`, the Kelvin sign a `k`); so is every line for a pattern with
    upper case, or with a character outside ASCII that matches an ASCII letter when case is ignored.
    """

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        source, flags = pattern.pattern, pattern.flags
        folds = flags & re.IGNORECASE and source == source.lower() and not any(map(_folds_to_ascii, source))
        self._twin = re.compile(source, flags & ~re.IGNORECASE) if folds else None

    def found(self, text: str, lowered: str | None) -> bool:
        """Whether the pattern matches `text`; `lowered` is `text.lower()` for an ASCII text, else None."""
        if lowered is not None and self._twin is not None:
            return self._twin.search(lowered) is not None
        return self.pattern.search(text) is not None


@cache
def _folds_to_ascii(char: str) -> bool:
    """A character outside ASCII that matches an ASCII letter when case is ignored (`ſ`, `ı`): no twin may hold it."""
    return not char.isascii() and any(re.fullmatch(re.escape(char), a, re.IGNORECASE) for a in string.ascii_letters)


def _lowered(lines: Sequence[Line]) -> tuple[str | None, ...]:
    """Each line lowered for `_AnyCase.found`: None for a line that is not all ASCII."""
    return tuple(line.text.lower() if line.text.isascii() else None for line in lines)


_ANY_CUE: dict[DocType, _AnyCase | None] = {
    doc_type: _AnyCase(joined) if (joined := _any_of(cues)) is not None else None for doc_type, cues in _CUES.items()
}
"""Per type, a first pass over each line: most lines carry no cue of a type, and one search rules them all out."""
_NOT_TITLE = re.compile(r"^(?:re|subject|betreff|objet|asunto|oggetto)\s*:", re.IGNORECASE)


@dataclass(frozen=True)
class _Hit:
    line: Line
    start: int
    end: int


# What only a real invoice prints: terms, a due date, a billing address, bank details to pay into.
_REAL_INVOICE = _AnyCase(
    _rx(
        r"due\s+date|payment\s+(?:due|terms)|bill\s+to|invoice\s+to|ship\s+to|sold\s+to|iban|bic|swift|remit\w*"
        r"|bank\s+(?:details|account)|net\s+\d+\s+days|f[äa]llig\w*|zahlungs(?:ziel|bedingungen)|bankverbindung"
        r"|[ée]ch[ée]ance|conditions\s+de\s+paiement|vencimiento|scadenza|vervaldatum|purchase\s+order|po\s+(?:no|number)"
    )
)
# How a till settles a sale: tendered and change, a card slip, or the tax summary printed under the total.
_SETTLED = _AnyCase(
    _rx(
        r"change|kembali|r[üu]ckgeld|wechselgeld|rendu|cambio|cash|tendered|tunai|bar|gegeben|esp[eè]ces|efectivo"
        r"|contanti|visa|master\w*|amex|card|edc|eftpos|payment"
    )
)
_TAX_SUMMARY = _rx(
    r"(?:gst|vat|tax|mwst|tva|sst)\s+summary|(?:gst|vat|tax|mwst|tva|sst)\W{0,3}(?:incl\w*|included|inclusive)"
    r"|(?:incl\w*|inc)\.?\W{0,3}(?:gst|vat|tax|mwst|tva|sst)|\d\s?%\W.*\b(?:gst|vat|tax)|(?:gst|vat|tax)\W{0,3}@?\s*\d+\s?%"
)


def _till_slip(lines: Sequence[Line], lowered: Sequence[str | None], short: bool) -> bool:
    """A short slip with a total, settled at a till (cash/change, card, tax summary), and no invoice terms."""
    if not short or any(_REAL_INVOICE.found(line.text, low) for line, low in zip(lines, lowered, strict=True)):
        return False
    priced = [(line, low) for line, low in zip(lines, lowered, strict=True) if last_money(line.text)]
    has_total = any(RECEIPT_TOTAL.search(line.text) for line, _ in priced)
    settled = any(_SETTLED.found(line.text, low) for line, low in priced) or any(
        _TAX_SUMMARY.search(x.text) for x in lines
    )
    return has_total and settled


_LABEL_AFTER = re.compile(r"\s*(?:no\b|number|nr\b|n°|#|date|datum|:)", re.IGNORECASE)
_GST_TITLE = re.compile(r"^\W*tax\s+invoice\W*$", re.IGNORECASE)


def _heads(lines: Sequence[Line]) -> tuple[Line, ...]:
    """The lines among the first 30 that could be a title: it stands (nearly) alone on its line, not after "Re:"."""
    return tuple(x for x in lines[:30] if len(x.text.split()) <= 6 and not _NOT_TITLE.match(x.text))


def _title(heads: Sequence[Line], pattern: re.Pattern[str]) -> _Hit | None:
    for line in heads:
        m = pattern.search(line.text)
        # "Invoice No: 123" is a label, not a title.
        if m and not _LABEL_AFTER.match(line.text, m.end()):
            return _Hit(line, m.start(), m.end())
    return None


def _cues(
    lines: Sequence[Line], lowered: Sequence[str | None], patterns: Sequence[re.Pattern[str]], gate: _AnyCase | None
) -> list[_Hit]:
    """Each pattern's first match in the first line it matches; lines `gate` (any of `patterns`) misses are skipped.

    `lowered`: the lines as `_lowered` gives them, for the gate.
    """
    if gate is not None:
        lines = [line for line, low in zip(lines, lowered, strict=True) if gate.found(line.text, low)]
    hits: list[_Hit] = []
    for pattern in patterns:
        search = pattern.search
        for line in lines:
            if m := search(line.text):
                hits.append(_Hit(line, m.start(), m.end()))
                break
    return hits


def _shape_bonus(pages: Sequence[str], lines: Sequence[Line]) -> dict[DocType, float]:
    text = "\n".join(pages)
    words = max(1, len(text.split()))
    amounts = len(re.findall(r"\d[.,]\d{2}\b", text))
    long_lines = sum(len(line.text) > 90 for line in lines)
    return {
        # Receipts are short lists of prices; contracts are long prose; invoices sit between.
        "receipt": 2.0 if words < 400 and amounts >= 3 else 0.0,
        "contract": 1.5 if words > 800 and long_lines > len(lines) * 0.4 and amounts < words / 100 else 0.0,
        "invoice": 1.0 if amounts >= 3 and len(pages) <= 8 else 0.0,
    }


@dataclass(frozen=True)
class _Reading:
    """What every built-in detector needs of one document, computed once."""

    lines: tuple[Line, ...]
    lowered: tuple[str | None, ...]
    """Each line lowered, None where it is not ASCII (`_lowered`)."""
    heads: tuple[Line, ...]
    """The lines that could be a title (`_heads`): every type's title is looked for among the same few."""
    shape: dict[DocType, float]
    till: bool


@lru_cache(maxsize=4)
def _read(pages: tuple[str, ...]) -> _Reading:
    lines = tuple(split_lines(pages))
    lowered = _lowered(lines)
    shape = _shape_bonus(pages, lines)
    return _Reading(lines, lowered, _heads(lines), shape, _till_slip(lines, lowered, shape["receipt"] > 0))


def detect(doc_type: DocType, pages: Sequence[str]) -> Detection:
    """Score the pages for one built-in type on its title, its vocabulary and the document's shape."""
    reading = _read(tuple(pages))
    heads, till = reading.heads, reading.till
    title = _title(heads, _TITLES[doc_type])
    hits = _cues(reading.lines, reading.lowered, _CUES[doc_type], _ANY_CUE[doc_type])
    weight = 3.0
    if title and doc_type == "invoice" and till:
        # A till slip is often titled "(Tax) Invoice" or "Cash Invoice" where GST applies: it says little.
        weight = 1.0
    elif title and doc_type == "invoice" and _GST_TITLE.match(title.line.text) and reading.shape["receipt"]:
        # In GST countries a till slip is titled "Tax Invoice": on a short priced list it says little.
        weight = 1.5
    score = (weight if title else 0.0) + len(hits) + reading.shape[doc_type]
    score += 1.5 if till and doc_type == "receipt" else 0.0
    proof = ([title] if title else []) + hits
    quotes = [q for hit in proof[:3] if (q := evidence(pages, span_of(hit.line, hit.start, hit.end)))]
    ceiling = 0.97
    if till and doc_type == "receipt" and _title(heads, _TITLES["invoice"]):
        ceiling = 0.85  # it calls itself an invoice: sure enough to go on, not more
    return Detection(score=score, quotes=_unique(quotes), max_confidence=ceiling)


def _unique(quotes: list[ClaimedEvidence]) -> list[ClaimedEvidence]:
    seen: set[str] = set()
    out = []
    for quote in quotes:
        if quote.quote.casefold() not in seen:
            seen.add(quote.quote.casefold())
            out.append(quote)
    return out
