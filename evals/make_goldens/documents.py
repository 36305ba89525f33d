"""Golden cases of whole documents: a generated document through every step of its type."""

from __future__ import annotations

from typing import Any

from claimflow.evals.make_goldens._cases import (
    write,
)

_TRUSTING = {"field_auto_accept": 0.5, "high_risk_field_auto_accept": 0.5}
"""Thresholds below the `rules` backend's confidence, so a run's outcome shows the rules and the risk alone."""


def document(name: str, generator: str, expected: dict[str, Any], trusting: bool = True, **params: Any) -> None:
    """A document case, judged at `_TRUSTING` thresholds unless told otherwise."""
    write(
        {
            "kind": "document",
            "name": name,
            "step": "document",
            "generator": generator,
            "params": params,
            **({"policy": _TRUSTING} if trusting else {}),
            "expected": expected,
        }
    )


def documents() -> None:
    """Whole runs of generated documents."""
    invoice = {
        "vendor_name": "Brightline Print Services Ltd",
        "invoice_number": "BPS-2024-0311",
        "issue_date": "2024-03-14",
        "total_amount": "180.00",
    }
    document(
        "text-invoice-completes", "text_invoice", {"status": "completed", "doc_type": "invoice", "fields": invoice}
    )
    document(
        "text-invoice-at-default-thresholds",
        "text_invoice",
        {
            "status": "needs_review",
            "doc_type": "invoice",
            "fields": invoice,
            "review_reasons": ["low_confidence_field", "low_confidence_field"],
        },
        trusting=False,
    )
    document("pdf-invoice-completes", "pdf_invoice", {"status": "completed", "doc_type": "invoice", "fields": invoice})
    document(
        "invoice-whose-total-does-not-add-up",
        "text_invoice",
        {
            "status": "needs_review",
            "doc_type": "invoice",
            "fields": {"total_amount": "207.00"},
            "review_reasons": ["validation_failed"],
        },
        total_extra="27.00",
    )
    document(
        "invoice-due-before-issue",
        "text_invoice",
        {
            "status": "needs_review",
            "doc_type": "invoice",
            "fields": {"due_date": "2024-03-01"},
            "review_reasons": ["validation_failed", "low_confidence_field"],
        },
        due="1 March 2024",
    )
    document(
        "large-invoice-needs-a-reviewer",
        "text_invoice",
        {
            "status": "needs_review",
            "doc_type": "invoice",
            "fields": {"total_amount": "24000.00"},
            "review_reasons": ["high_risk"],
        },
        items=[["Printing press service", 1, "20000.00"]],
    )
    document(
        "euro-invoice",
        "text_invoice",
        {"status": "completed", "doc_type": "invoice", "fields": {"currency": "EUR", "invoice_number": "RE-77"}},
        currency="EUR",
        number="RE-77",
    )
    document(
        "receipt-completes",
        "text_receipt",
        {
            "status": "completed",
            "doc_type": "receipt",
            "fields": {"vendor_name": "KEDAI RUNCIT MAJU JAYA", "total_amount": "24.50", "currency": "MYR"},
        },
    )
    document(
        "receipt-of-one-item",
        "text_receipt",
        {"status": "completed", "doc_type": "receipt", "fields": {"total_amount": "4.20"}},
        items=[["TEH TARIK", 2, "4.20"]],
        paid="5.00",
    )
    document(
        "contract-completes",
        "text_contract",
        {
            "status": "completed",
            "doc_type": "contract",
            "fields": {"parties": ["Orion Data Systems, Inc.", "Kestrel Analytics LLC"], "jurisdiction": "New York"},
        },
    )
    document(
        "memo-waits-for-a-type",
        "text_memo",
        {"status": "needs_review", "doc_type": "unknown", "review_reasons": ["unknown_type"]},
    )
