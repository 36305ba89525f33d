"""Shared builders for unit tests: documents, sources, states, field results and claims.

All texts are synthetic. The invoice adds up: 50.00 + 85.00 = 135.00 net, 25.65 VAT, 160.65 total.
"""

from __future__ import annotations

from typing import Any

from claimflow.doctypes import BUILTIN_TYPES
from claimflow.state.claims import FieldClaim, RowClaim
from claimflow.state.documents import DocumentRef, SourceText
from claimflow.state.evidence import ClaimedEvidence, Evidence
from claimflow.state.outcomes import Classification, FieldResult, FieldStatus, TableRow
from claimflow.state.schema import DocumentType, DocumentTypes, Field
from claimflow.state.workflow import WorkflowState

TYPES = DocumentTypes(BUILTIN_TYPES)
"""The built-in document types (invoice, receipt, contract), as a workflow over them is given."""


def utility_bill(*, unless_printed: tuple[str, ...] = ()) -> DocumentType:
    """A declared type whose `to_pay` shares the labels of `billed` (unless a page prints `unless_printed`)."""
    return DocumentType(
        name="utility_bill",
        description="A utility bill.",
        titles=("Utility Bill",),
        fields=[
            Field("billed", "amount", labels=("Amount Billed",)),
            Field("to_pay", "amount", labels=("To Pay",), shares_labels_of=("billed",), unless_printed=unless_printed),
        ],
    )


PURCHASE_ORDER = DocumentType(
    name="purchase_order",
    description="An order a buyer sends a seller: order number, date and amount.",
    fields=[
        Field("order_number", "identifier", required=True, labels=("PO Number", "Order No.")),
        Field("order_date", "date", labels=("Order Date",)),
        Field("total_amount", "amount", labels=("Order Total",)),
    ],
)
"""A user's type, declared like the built-ins: no rules, no risk field, no offline extractor."""

DOCUMENT = DocumentRef(document_id="ab" * 32, filename="invoice-0042.pdf", media_type="application/pdf", size=2048)

INVOICE_PAGE_1 = (
    "ACME Tools GmbH\n"
    "Hauptstrasse 5, 10115 Berlin\n"
    "\n"
    "INVOICE\n"
    "Invoice No.: INV-2024-0042\n"
    "Invoice date: 12.03.2024\n"
    "Due date: 11 April 2024\n"
)
INVOICE_PAGE_2 = (
    "Item              Qty   Price    Amount\n"
    "Hammer              2   25,00     50,00\n"
    "Screwdriver set     1   85,00     85,00\n"
    "\n"
    "Net amount: 135,00 EUR\n"
    "VAT 19%: 25,65 EUR\n"
    "Total 160,65 €\n"
)
INVOICE = SourceText(pages=(INVOICE_PAGE_1, INVOICE_PAGE_2))
INVOICE_SOURCE = INVOICE
"""The invoice's text, under a name that does not clash with the `INVOICE` type of `claimflow.doctypes`."""

CONTRACT = SourceText(
    pages=(
        "SERVICE AGREEMENT\n"
        "This Agreement is made on 1. Oktober 2023 between Northwind Traders Ltd. (the Client)\n"
        "and Blue Harbor Consulting LLC (the Provider).\n"
        "The term of this Agreement is two (2) years.\n"
        "This Agreement is governed by the laws of the State of Delaware.\n",
    )
)
CONTRACT_SOURCE = CONTRACT
"""The contract's text, under a name that does not clash with the `CONTRACT` type of `claimflow.doctypes`."""


def make_state(**update: Any) -> WorkflowState:
    """A fresh run state, with any fields replaced."""
    return WorkflowState(run_id="run-1", document=DOCUMENT).model_copy(update=update)


def classified(doc_type: str, confidence: float = 0.95, *, accepted: bool = True) -> Classification:
    """A classification as apply_classification would record it (`doc_type` is a type name or "unknown")."""
    return Classification(doc_type=doc_type, confidence=confidence, accepted=accepted)


def field_result(
    name: str,
    value: str | list[str] | None,
    *,
    status: FieldStatus = "accepted",
    confidence: float | None = 0.95,
    reasons: list[str] | None = None,
) -> FieldResult:
    """A field result decided by a claim."""
    return FieldResult(
        name=name, value=value, status=status, confidence=confidence, decided_by="test#1.1", reasons=reasons or []
    )


def fields(values: dict[str, str], *, confidence: float = 0.95) -> dict[str, FieldResult]:
    """Accepted single-valued fields at one confidence."""
    return {name: field_result(name, value, confidence=confidence) for name, value in values.items()}


def clean_invoice_fields(*, confidence: float = 0.95, total: str = "160.65") -> dict[str, FieldResult]:
    """Every invoice field accepted, consistent with the INVOICE source."""
    return fields(
        {
            "vendor_name": "ACME Tools GmbH",
            "invoice_number": "INV-2024-0042",
            "issue_date": "2024-03-12",
            "due_date": "2024-04-11",
            "currency": "EUR",
            "net_amount": "135.00",
            "tax_amount": "25.65",
            "total_amount": total,
        },
        confidence=confidence,
    )


def invoice_state(**update: Any) -> WorkflowState:
    """A run whose document was classified as an invoice with high confidence."""
    return make_state(classification=classified("invoice"), **update)


def claimed(quote: str, page: int | None = None, start: int | None = None, end: int | None = None) -> ClaimedEvidence:
    """Evidence as a model states it."""
    return ClaimedEvidence(quote=quote, page=page, start=start, end=end)


def field_claim(
    field: str,
    value: str,
    quote: str,
    *,
    confidence: float = 0.9,
    page: int | None = None,
    start: int | None = None,
    end: int | None = None,
) -> FieldClaim:
    """A model's claim for one field."""
    return FieldClaim(field=field, value=value, confidence=confidence, evidence=claimed(quote, page, start, end))


def evidence_at(source: SourceText, page: int, quote: str) -> Evidence:
    """Located evidence for the first occurrence of `quote` on a page (the quote must be verbatim)."""
    start = source.page(page).index(quote)
    return Evidence(page=page, start=start, end=start + len(quote), quote=quote)


def row_claim(
    table: str,
    cells: dict[str, str],
    quote: str,
    *,
    page: int | None = None,
    start: int | None = None,
    end: int | None = None,
) -> RowClaim:
    """A model's claim for one row of a table field (e.g. an invoice line), quoting the row."""
    return RowClaim(table=table, cells=cells, evidence=claimed(quote, page, start, end))


def table_row(cells: dict[str, str | None], evidence: Evidence) -> TableRow:
    """An accepted table row as apply_extraction would record it."""
    return TableRow(cells=cells, evidence=evidence)
