"""Golden cases of the apply functions: each claim accepted or rejected, and why."""

from __future__ import annotations

from typing import Any

from claimflow.evals.generators import text_contract, text_receipt
from claimflow.evals.make_goldens._cases import (
    INVOICE,
    ev,
    generated_page,
    write,
)

PAYABLE = (
    "Brightline Print Services Ltd\nINVOICE\nInvoice No.: BPS-2024-0312\n"
    "Invoice Date: 14 March 2024, please pay until 13 April 2024\nTotal: GBP 180.00\n"
)
"""An invoice whose due date stands, unlabelled, after the issue date on the issue date's line."""

SUMS = (
    "Brightline Print Services Ltd\nINVOICE\nInvoice No.: BPS-2024-0313\nInvoice Date: 14 March 2024\n"
    "Total (excl. VAT): 150.00\nVAT Total: 30.00\nAmount payable: GBP 180.00\n"
)
"""An invoice that prints its tax as a `VAT Total` and its net amount as a total qualified `excl. VAT` (read as
the net amount's declared `Total excl. VAT`)."""


def _claim(field: str, value: str, quote: str, page: str | None = None) -> dict[str, Any]:
    evidence = ev(quote, page) if page else {"quote": quote}
    return {"field": field, "value": value, "confidence": 0.9, "evidence": evidence}


def apply(name: str, doc_type: str, page: str, claims: list[dict[str, Any]], verdicts: list[tuple[bool, str]]) -> None:
    """An apply case: each claim's verdict as (accepted, check)."""
    expected = [
        {"field": c["field"], "accepted": ok, "check": check} for c, (ok, check) in zip(claims, verdicts, strict=True)
    ]
    write(
        {
            "kind": "apply",
            "name": name,
            "step": "apply",
            "doc_type": doc_type,
            "pages": [page],
            "claims": claims,
            "expected": expected,
        }
    )


def applies() -> None:
    """Apply cases: each check of a field claim, over the three built-in types."""
    apply(
        "invoice-number-under-its-own-label",
        "invoice",
        INVOICE,
        [_claim("invoice_number", "BPS-2024-0311", "Invoice No.: BPS-2024-0311")],
        [(True, "own_label")],
    )
    apply(
        "invoice-total-with-currency",
        "invoice",
        INVOICE,
        [_claim("total_amount", "180.00", "Total: GBP 180.00")],
        [(True, "own_label")],
    )
    apply(
        "invoice-vendor-on-the-first-line",
        "invoice",
        INVOICE,
        [_claim("vendor_name", "Brightline Print Services Ltd", "Brightline Print Services Ltd")],
        [(True, "no_label")],
    )
    apply(
        "invoice-quote-not-in-the-document",
        "invoice",
        INVOICE,
        [_claim("invoice_number", "BPS-2024-9999", "Invoice No.: BPS-2024-9999")],
        [(False, "quote_not_found")],
    )
    apply(
        "invoice-total-not-in-its-quote",
        "invoice",
        INVOICE,
        [_claim("total_amount", "181.00", "Total: GBP 180.00")],
        [(False, "value_not_in_quote")],
    )
    apply(
        "invoice-due-date-under-the-issue-label",
        "invoice",
        INVOICE,
        [_claim("due_date", "2024-03-14", "Invoice Date: 14 March 2024")],
        [(False, "wrong_label")],
    )
    apply(
        "invoice-later-date-after-the-issue-label",
        "invoice",
        PAYABLE,
        [
            _claim("issue_date", "2024-04-13", "Invoice Date: 14 March 2024, please pay until 13 April 2024"),
            _claim("due_date", "2024-04-13", "Invoice Date: 14 March 2024, please pay until 13 April 2024"),
        ],
        [(False, "label_names_another"), (True, "no_label")],
    )
    apply(
        "invoice-tax-total-and-total-excluding-vat",
        "invoice",
        SUMS,
        [
            _claim("total_amount", "30.00", "VAT Total: 30.00"),
            _claim("tax_amount", "30.00", "VAT Total: 30.00"),
            _claim("total_amount", "150.00", "Total (excl. VAT): 150.00"),
            _claim("net_amount", "150.00", "Total (excl. VAT): 150.00"),
        ],
        [(False, "wrong_label"), (True, "own_label"), (False, "wrong_label"), (True, "own_label")],
    )
    apply(
        "invoice-unknown-field",
        "invoice",
        INVOICE,
        [_claim("purchase_order", "PO-1", "INVOICE")],
        [(False, "unknown_field")],
    )
    apply(
        "invoice-vendor-under-bill-to",
        "invoice",
        INVOICE,
        [_claim("vendor_name", "Meadow Cafe", "Bill to: Meadow Cafe")],
        [(False, "counter_label")],
    )
    apply(
        "invoice-several-claims",
        "invoice",
        INVOICE,
        [
            _claim("issue_date", "2024-03-14", "Invoice Date: 14 March 2024", INVOICE),
            _claim("tax_amount", "30.00", "VAT 20%: 30.00"),
            _claim("net_amount", "150.00", "Subtotal: 150.00"),
        ],
        [(True, "own_label"), (True, "own_label"), (True, "own_label")],
    )
    apply(
        "invoice-date-that-is-not-a-date",
        "invoice",
        INVOICE,
        [_claim("issue_date", "14th of Marchember", "Invoice Date: 14 March 2024")],
        [(False, "value_unreadable")],
    )
    apply(
        "receipt-total-under-its-label",
        "receipt",
        generated_page(text_receipt),
        [_claim("total_amount", "24.50", "TOTAL:          RM 24.50")],
        [(True, "own_label")],
    )
    apply(
        "receipt-change-is-not-the-total",
        "receipt",
        generated_page(text_receipt),
        [_claim("total_amount", "5.50", "CHANGE          RM  5.50")],
        [(False, "counter_label")],
    )
    apply(
        "receipt-date-under-its-label",
        "receipt",
        generated_page(text_receipt),
        [_claim("issue_date", "2018-05-02", "DATE: 02/05/2018")],
        [(True, "own_label")],
    )
    apply(
        "contract-party-quoted",
        "contract",
        generated_page(text_contract),
        [_claim("parties", "Kestrel Analytics LLC", "Kestrel Analytics LLC")],
        [(True, "no_label")],
    )
    apply(
        "contract-law-under-its-label",
        "contract",
        generated_page(text_contract),
        [_claim("jurisdiction", "New York", "governed by the laws of the State of New York")],
        [(True, "no_label")],
    )
    apply(
        "contract-date-that-is-not-written",
        "contract",
        generated_page(text_contract),
        [_claim("effective_date", "2021-07-03", "June 3, 2021")],
        [(False, "value_not_in_quote")],
    )
