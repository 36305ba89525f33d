"""The offline model backend: labels, patterns and layout cues over the text, no model at all.

It returns exactly the claims a model would (typed, quoted, located), so the rest of claimflow
cannot tell it from one, and it is honest about how sure each rule is: only strong rules
(an explicit label and an unambiguous value, or amounts that add up) reach the auto-accept
threshold of 0.8.
"""

from __future__ import annotations

from collections.abc import Sequence

from claimflow.runtime.backends.rules._claims import Finding, to_claims
from claimflow.runtime.backends.rules._classify import classify_pages
from claimflow.runtime.backends.rules._contract import effective_date, jurisdiction, parties, term
from claimflow.runtime.backends.rules._invoice import currency, due_date, invoice_number, issue_date
from claimflow.runtime.backends.rules._line_items import invoice_line_items
from claimflow.runtime.backends.rules._lines import split_lines
from claimflow.runtime.backends.rules._receipt import receipt_findings
from claimflow.runtime.backends.rules._totals import invoice_totals
from claimflow.runtime.backends.rules._values import date_order
from claimflow.runtime.backends.rules._vendor import invoice_vendor
from claimflow.state.claims import ClassificationClaim, ExtractionClaim
from claimflow.state.fields import DocType

__all__ = ["classify", "extract"]


def classify(pages: Sequence[str]) -> ClassificationClaim:
    """Claim the document type of `pages` (invoice, receipt, contract, or unknown).

    Args:
        pages: Page texts, masked, in order.

    Returns:
        The claimed type with a confidence and up to three quotes (title, telling words).
    """
    return classify_pages(pages)


def _invoice(pages: Sequence[str]) -> list[Finding]:
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
    return [f for f in found if f is not None]


def _receipt(pages: Sequence[str]) -> list[Finding]:
    return receipt_findings(pages)


def _contract(pages: Sequence[str]) -> list[Finding]:
    found = [*parties(pages), effective_date(pages), jurisdiction(pages), term(pages)]
    return [f for f in found if f is not None]


def extract(doc_type: DocType, pages: Sequence[str]) -> ExtractionClaim:
    """Claim the fields of a document of a known type.

    Args:
        doc_type: The accepted document type.
        pages: Page texts, masked, in order.

    Returns:
        One claim per field found, each quoting the text it was read from with its page and
        offsets; fields the document does not state are left out. Invoices also get their line
        items when the item table adds up to the claimed net amount.
    """
    rules = {"invoice": _invoice, "receipt": _receipt, "contract": _contract}
    fields = to_claims(doc_type, pages, rules[doc_type](pages))
    if doc_type != "invoice":
        return ExtractionClaim(fields=fields)
    # The rows are checked against the net amount as claimed, so they are read after the fields.
    net = next((claim.value for claim in fields if claim.field == "net_amount"), None)
    return ExtractionClaim(fields=fields, line_items=invoice_line_items(pages, net))
