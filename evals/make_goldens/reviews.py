"""Golden cases of review decisions: what a reviewer's answer does to a paused run."""

from __future__ import annotations

from typing import Any

from claimflow.evals.generators import text_contract, text_memo, text_receipt
from claimflow.evals.make_goldens._cases import (
    INVOICE,
    INVOICE_FIELDS,
    RECEIPT_FIELDS,
    generated_page,
    write,
)


def review(
    name: str,
    page: str,
    facts: dict[str, Any],
    decision: dict[str, Any],
    expected: dict[str, Any],
    reasons: list[str] | None = None,
) -> None:
    """A review case."""
    write(
        {
            "kind": "review",
            "name": name,
            "step": "review",
            "pages": [page],
            "facts": facts,
            "reasons": reasons or ["validation_failed"],
            "decision": decision,
            "expected": expected,
        }
    )


def reviews() -> None:
    """Review decisions: accepted and refused."""
    invoice = {"doc_type": "invoice", "fields": {**INVOICE_FIELDS, "total_amount": "181.00"}}
    review(
        "approve-keeps-the-values",
        INVOICE,
        invoice,
        {"reviewer": "ana", "action": "approve"},
        {"accepted": True, "fields": {"total_amount": "181.00"}, "route": "finalize"},
    )
    review(
        "reject-ends-the-run",
        INVOICE,
        invoice,
        {"reviewer": "ana", "action": "reject", "reason": "duplicate"},
        {"accepted": True, "route": "reject"},
    )
    review(
        "edit-sets-a-value",
        INVOICE,
        invoice,
        {"reviewer": "ana", "action": "edit", "edits": {"total_amount": ["180.00"]}},
        {"accepted": True, "fields": {"total_amount": "180.00"}, "route": "validate_invoice"},
    )
    review(
        "edit-with-an-amount-that-is-not-one",
        INVOICE,
        invoice,
        {"reviewer": "ana", "action": "edit", "edits": {"total_amount": ["about 180"]}},
        {"accepted": False, "errors_contain": ["cannot be read as an amount"]},
    )
    review(
        "edit-with-a-date-that-is-not-one",
        INVOICE,
        invoice,
        {"reviewer": "ana", "action": "edit", "edits": {"due_date": ["soon"]}},
        {"accepted": False, "errors_contain": ["due_date"]},
    )
    review(
        "edit-of-an-unknown-field",
        INVOICE,
        invoice,
        {"reviewer": "ana", "action": "edit", "edits": {"po_number": ["PO-1"]}},
        {"accepted": False, "errors_contain": ["unknown field 'po_number'"]},
    )
    review(
        "edit-citing-a-quote-not-in-the-document",
        INVOICE,
        invoice,
        {
            "reviewer": "ana",
            "action": "edit",
            "edits": {"total_amount": ["180.00"]},
            "evidence": {"total_amount": {"quote": "Grand Total 180.00"}},
        },
        {"accepted": False, "errors_contain": ["total_amount"]},
    )
    review(
        "type-set-for-an-unknown-document",
        generated_page(text_contract),
        {"doc_type": "unknown"},
        {"reviewer": "ana", "action": "edit", "doc_type": "contract"},
        {"accepted": True, "doc_type": "contract", "route": "extract_contract"},
        ["unknown_type"],
    )
    review(
        "field-edit-before-the-type-is-known",
        generated_page(text_contract),
        {"doc_type": "unknown"},
        {"reviewer": "ana", "action": "edit", "edits": {"parties": ["Orion"]}},
        {"accepted": False, "errors_contain": ["set doc_type first"]},
        ["unknown_type"],
    )
    review(
        "type-that-is-not-active",
        generated_page(text_memo),
        {"doc_type": "unknown"},
        {"reviewer": "ana", "action": "edit", "doc_type": "memo"},
        {"accepted": False, "errors_contain": ["'memo' is not one of"]},
        ["unknown_type"],
    )
    review(
        "contract-parties-edited",
        generated_page(text_contract),
        {"doc_type": "contract", "fields": {"parties": ["Orion"]}},
        {
            "reviewer": "ana",
            "action": "edit",
            "edits": {"parties": ["Orion Data Systems, Inc.", "Kestrel Analytics LLC"]},
        },
        {
            "accepted": True,
            "fields": {"parties": ["Orion Data Systems, Inc.", "Kestrel Analytics LLC"]},
            "route": "validate_contract",
        },
    )
    review(
        "receipt-approved",
        generated_page(text_receipt),
        {"doc_type": "receipt", "fields": RECEIPT_FIELDS},
        {"reviewer": "ana", "action": "approve"},
        {"accepted": True, "fields": {"total_amount": "24.50"}, "route": "finalize"},
        ["low_confidence_field"],
    )
