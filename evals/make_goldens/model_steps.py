"""Golden cases of the model steps: classify and extract, with recorded claims."""

from __future__ import annotations

from typing import Any

from claimflow.evals.builtin import builtin_workflow_types
from claimflow.evals.generators import text_contract, text_receipt
from claimflow.evals.make_goldens._cases import (
    INVOICE,
    ev,
    generated_page,
    recorded_extraction,
    text_of,
    write,
)
from claimflow.prompts import CLASSIFY, extract_prompt


def classify(name: str, page: str, claimed: str, quote: str | None, confidence: float, **expected: Any) -> None:
    """A classify case whose recorded claim names the type `claimed` and quotes `quote`."""
    evidence = [{"quote": quote, "page": 1}] if quote else []
    claim = {"doc_type": claimed, "confidence": confidence, "evidence": evidence}
    write(
        {
            "kind": "model_step",
            "name": name,
            "step": "classify",
            "prompt": CLASSIFY.ref,
            "pages": [page],
            "recorded_claim": claim,
            **({"replay_only": True} if expected.pop("replay_only", False) else {}),
            "expected": expected,
        }
    )


def extract(name: str, doc_type: str, page: str, claim: dict[str, Any], fields: dict[str, Any], **extra: Any) -> None:
    """An extract case for a recorded claim."""
    write(
        {
            "kind": "model_step",
            "name": name,
            "step": f"extract_{doc_type}",
            "prompt": extract_prompt(builtin_workflow_types().get(doc_type)).ref,
            "pages": [page],
            "doc_type": doc_type,
            "recorded_claim": claim,
            **extra,
            "expected": {"fields": fields, "route": f"arbitrate_{doc_type}", "route_rule": "output_valid"},
        }
    )


def model_steps() -> None:
    """Classify and extract cases beyond the hand-made ones."""
    classify(
        "receipt-till-slip",
        generated_page(text_receipt),
        "receipt",
        "CASH RECEIPT",
        0.9,
        doc_type="receipt",
        accepted=True,
        route="extract_receipt",
        route_rule="type_accepted",
    )
    classify(
        "contract-nda",
        generated_page(text_contract),
        "contract",
        "MUTUAL NON-DISCLOSURE AGREEMENT",
        0.9,
        doc_type="contract",
        accepted=True,
        route="extract_contract",
        route_rule="type_accepted",
    )
    classify(
        "unsure-invoice-goes-to-review",
        INVOICE,
        "invoice",
        "INVOICE",
        0.4,
        doc_type="invoice",
        route="prepare_review",
        route_rule="low_confidence_type",
        replay_only=True,
    )
    classify(
        "type-that-is-not-active",
        INVOICE,
        "purchase_order",
        "INVOICE",
        0.9,
        doc_type="purchase_order",
        accepted=False,
        route="prepare_review",
        replay_only=True,
    )
    classify(
        "receipt-without-quote",
        generated_page(text_receipt),
        "receipt",
        None,
        0.9,
        accepted=False,
        route="prepare_review",
        replay_only=True,
    )
    extract(
        "second-receipt",
        "receipt",
        (page := text_of(text_receipt, shop="KEDAI BUKU CAHAYA", date="15/01/2019 09:05")),
        recorded_extraction("receipt", page),
        {
            "vendor_name": {"value": "KEDAI BUKU CAHAYA", "quote": "KEDAI BUKU CAHAYA"},
            "issue_date": {"value": "2019-01-15", "quote": "15/01/2019"},
            "total_amount": {"value": "24.50", "quote": "24.50"},
        },
    )
    total = {
        "field": "total_amount",
        "value": "24.50",
        "confidence": 0.9,
        "evidence": ev("CASH            RM 30.00", generated_page(text_receipt)),
    }
    extract(
        "total-quoted-from-the-cash-line",
        "receipt",
        generated_page(text_receipt),
        {"fields": [total]},
        {"total_amount": {"status": "rejected", "value": None}},
        replay_only=True,
    )
    law = {
        "field": "jurisdiction",
        "value": "New York",
        "confidence": 0.9,
        "evidence": ev("governed by the laws of the State of New York", generated_page(text_contract)),
    }
    extract(
        "jurisdiction-only",
        "contract",
        generated_page(text_contract),
        {"fields": [law]},
        {"jurisdiction": {"value": "New York", "quote": "laws of the State of New York"}},
    )
    party = {
        "field": "parties",
        "value": "Acme Holdings plc",
        "confidence": 0.9,
        "evidence": {"quote": "Acme Holdings plc"},
    }
    extract(
        "party-not-in-the-contract",
        "contract",
        generated_page(text_contract),
        {"fields": [party]},
        {"parties": {"status": "rejected", "value": None, "reason_contains": "is not in the document"}},
        replay_only=True,
    )
    wrong = {
        "field": "due_date",
        "value": "2024-03-14",
        "confidence": 0.9,
        "evidence": ev("Invoice Date: 14 March 2024", INVOICE),
    }
    extract(
        "due-date-from-the-issue-date-line",
        "invoice",
        INVOICE,
        {"fields": [wrong]},
        {"due_date": {"status": "rejected", "value": None, "reason_contains": "Invoice Date"}},
        replay_only=True,
    )
    german = text_of(
        text_contract,
        first="Nordlicht GmbH",
        second="Fjord Analytics AS",
        effective="January 10, 2023",
        law="the State of California",
    )
    extract(
        "second-nda",
        "contract",
        german,
        recorded_extraction("contract", german),
        {
            "parties": {"value": ["Nordlicht GmbH", "Fjord Analytics AS"]},
            "effective_date": {"value": "2023-01-10", "quote": "January 10, 2023"},
            "jurisdiction": {"value": "California", "quote": "State of California"},
        },
    )
