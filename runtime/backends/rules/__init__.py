"""The offline model backend: labels, patterns and layout cues over the text, no model at all.

It returns exactly the claims a model would (typed, quoted, located), so the rest of claimflow
cannot tell it from one, and it is honest about how sure each rule is: only strong rules
(an explicit label and an unambiguous value, or amounts that add up) reach the auto-accept
threshold of 0.8.

The built-in types bring their own extractors and detectors (below, named in their declarations);
any other type is read by the label-driven extractor (`_generic.py`) from its declaration alone.
"""

from __future__ import annotations

from collections.abc import Sequence

from claimflow.runtime.backends.rules._buyer import invoice_buyer
from claimflow.runtime.backends.rules._claims import Finding, shared_claims, to_claims
from claimflow.runtime.backends.rules._classify import detect
from claimflow.runtime.backends.rules._contract import effective_date, jurisdiction, parties, term
from claimflow.runtime.backends.rules._generic import generic_detect, generic_extract, generic_findings
from claimflow.runtime.backends.rules._hooks import detect_with, extract_with
from claimflow.runtime.backends.rules._iban import invoice_iban, masked_ibans
from claimflow.runtime.backends.rules._invoice import currency, due_date, invoice_number, issue_date
from claimflow.runtime.backends.rules._invoice_kind import invoice_kind
from claimflow.runtime.backends.rules._line_items import invoice_line_items
from claimflow.runtime.backends.rules._lines import split_lines
from claimflow.runtime.backends.rules._rank import rank
from claimflow.runtime.backends.rules._receipt import receipt_findings
from claimflow.runtime.backends.rules._roles import blocks
from claimflow.runtime.backends.rules._tax_id import invoice_tax_id
from claimflow.runtime.backends.rules._totals import invoice_totals
from claimflow.runtime.backends.rules._values import date_order
from claimflow.runtime.backends.rules._vendor import invoice_vendor
from claimflow.state.claims import ClassificationClaim, ExtractionClaim
from claimflow.state.schema import Detection, DocumentType

__all__ = [
    "classify",
    "detect_contract",
    "detect_invoice",
    "detect_receipt",
    "extract",
    "extract_contract",
    "extract_invoice",
    "extract_receipt",
    "generic_detect",
    "generic_extract",
]


def classify(pages: Sequence[str], types: Sequence[DocumentType]) -> ClassificationClaim:
    """Claim the document type of `pages`: the active type whose cues clearly win, or "unknown".

    Args:
        pages: Page texts, masked, in order.
        types: The active document types; each is scored by its own detector, or by its titles and labels.

    Returns:
        The claimed type with a confidence and up to three quotes (title, telling words).
    """
    return rank({t.name: detect_with(t.detector, t, pages) if t.detector else generic_detect(pages, t) for t in types})


def extract(doc_type: DocumentType, pages: Sequence[str]) -> ExtractionClaim:
    """Claim the fields of a document of a known type: its own extractor, else the label-driven one.

    Args:
        doc_type: The accepted document type.
        pages: Page texts, masked, in order.

    Returns:
        One claim per field found, each quoting the text it was read from with its page and offsets;
        fields the document does not state are left out.
    """
    if doc_type.extractor is None:
        return generic_extract(pages, doc_type)
    return extract_with(doc_type.extractor, doc_type, pages)


def detect_invoice(pages: Sequence[str]) -> Detection:
    """The built-in invoice type's offline cues."""
    return detect("invoice", pages)


def detect_receipt(pages: Sequence[str]) -> Detection:
    """The built-in receipt type's offline cues."""
    return detect("receipt", pages)


def detect_contract(pages: Sequence[str]) -> Detection:
    """The built-in contract type's offline cues."""
    return detect("contract", pages)


READ_BY_LABEL = frozenset({"amount_due", "order_number"})
"""The built-in invoice's fields read by their labels alone, as any declared type's are (`_generic.py`)."""


def extract_invoice(pages: Sequence[str], doc_type: DocumentType) -> ExtractionClaim:
    """The built-in invoice type's offline extraction: fields by layout and arithmetic, then the item table.

    Invoice lines are claimed only when the item table adds up to the claimed net amount.
    """
    lines = split_lines(pages)
    order = date_order(pages)
    totals = invoice_totals(lines)
    issued = issue_date(lines, order)
    total_span = next((f.span for f in totals if f.field == "total_amount"), None)
    found = [
        invoice_vendor(lines),
        invoice_number(lines),
        issued,
        due_date(lines, order, issued.value if issued else None),
        currency(lines, total_span),
        *totals,
    ]
    # Where masking found no IBAN, one it did not take for an IBAN is read by its label, as any other value.
    masked = masked_ibans(lines)
    parties = blocks(lines, pages)
    found += [
        *invoice_buyer(parties),
        *invoice_tax_id(lines, parties),
        *(invoice_iban(lines) if masked else ()),
        *invoice_kind(lines, *_kinds_of(doc_type)),
        *generic_findings(doc_type, pages, lines, READ_BY_LABEL if masked else READ_BY_LABEL | {"iban"}),
    ]
    fields = to_claims(doc_type, pages, [f for f in found if f is not None])
    fields += shared_claims(doc_type, pages, fields)
    # The rows are checked against the net amount as claimed, so they are read after the fields.
    net = next((claim.value for claim in fields if claim.field == "net_amount"), None)
    return ExtractionClaim(fields=fields, rows=invoice_line_items(doc_type, pages, net))


def _kinds_of(doc_type: DocumentType) -> tuple[dict[str, tuple[str, ...]], dict[str, str]]:
    """The invoice kinds the type declares, with their titles, and each kind's code (the same titles name both)."""
    kind, code = doc_type.field("invoice_type"), doc_type.field("invoice_type_code")
    kinds = {value: titles[1:] for value, titles in (kind.choices.items() if kind is not None else ())}
    by_titles = {titles[1:]: value for value, titles in (code.choices.items() if code is not None else ())}
    return kinds, {name: by_titles[titles] for name, titles in kinds.items() if titles in by_titles}


def extract_receipt(pages: Sequence[str], doc_type: DocumentType) -> ExtractionClaim:
    """The built-in receipt type's offline extraction (shop, address, date, total, currency)."""
    return ExtractionClaim(fields=to_claims(doc_type, pages, receipt_findings(pages)))


def extract_contract(pages: Sequence[str], doc_type: DocumentType) -> ExtractionClaim:
    """The built-in contract type's offline extraction (parties, effective date, governing law, term)."""
    found: list[Finding | None] = [*parties(pages), effective_date(pages), jurisdiction(pages), term(pages)]
    return ExtractionClaim(fields=to_claims(doc_type, pages, [f for f in found if f is not None]))
