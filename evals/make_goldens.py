"""Write the generated golden cases under evals/goldens/ (`python -m claimflow.evals.make_goldens`).

Expectations are written out by hand below; only the recorded claims of clean extraction cases are taken
from the `rules` backend, as a model's answer would be recorded. The committed JSON files are the cases:
review them like code. Cases not written here (e.g. hand-made ones) are left alone.
"""

from __future__ import annotations

import asyncio
import functools
import json
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from claimflow.evals.builtin import builtin_workflow_types
from claimflow.evals.generators import invoice_lines, text_contract, text_memo, text_receipt
from claimflow.evals.golden import CASE_ADAPTER, GOLDENS, write_schema
from claimflow.nodes.ports import ModelInput
from claimflow.prompts import CLASSIFY, extract_prompt
from claimflow.runtime.gateway import RulesGateway

INVOICE = "\n".join(invoice_lines()) + "\n"


def _text(generate: Callable[..., Path], **params: Any) -> str:
    """The text of a document `generate` writes (to a temporary folder, read back)."""
    with tempfile.TemporaryDirectory() as directory:
        return generate(Path(directory), **params).read_text()


@functools.cache
def generated_page(generate: Callable[..., Path]) -> str:
    """The text of a generator's default document, made once (when a case first needs it, never on import)."""
    return _text(generate)


def write(case: dict[str, Any]) -> None:
    """Validate a case and write it to `<step>/<name>.json`."""
    CASE_ADAPTER.validate_python(case)
    path = GOLDENS / case["step"] / f"{case['name']}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(case, indent=2, ensure_ascii=False) + "\n")


def recorded_extraction(doc_type: str, page: str) -> dict[str, Any]:
    """The `rules` backend's extraction claim for one page, as a recorded model answer."""
    spec = builtin_workflow_types().get(doc_type)
    answer = asyncio.run(RulesGateway().complete(extract_prompt(spec), ModelInput(pages=(page,), doc_type=spec)))
    assert answer.claim is not None
    return answer.claim.model_dump(mode="json", exclude_defaults=True)


def ev(quote: str, page: str) -> dict[str, Any]:
    """Evidence for a quote, located on the page."""
    start = page.index(quote)
    return {"quote": quote, "page": 1, "start": start, "end": start + len(quote)}


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
        (page := _text(text_receipt, shop="KEDAI BUKU CAHAYA", date="15/01/2019 09:05")),
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
    german = _text(
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


def route(name: str, router: str, facts: dict[str, Any], target: str, rule: str) -> None:
    """A router case."""
    write(
        {
            "kind": "router",
            "name": name,
            "step": router,
            "router": router,
            "facts": facts,
            "expected": {"target": target, "rule": rule},
        }
    )


_INVOICE_FIELDS = {
    "vendor_name": "Brightline Print Services Ltd",
    "invoice_number": "BPS-2024-0311",
    "issue_date": "2024-03-14",
    "total_amount": "180.00",
}
_RECEIPT_FIELDS = {"vendor_name": "KEDAI RUNCIT MAJU JAYA", "issue_date": "2018-05-02", "total_amount": "24.50"}
_CONTRACT_FIELDS = {"parties": ["Orion Data Systems, Inc.", "Kestrel Analytics LLC"]}
_FIELDS = {"invoice": _INVOICE_FIELDS, "receipt": _RECEIPT_FIELDS, "contract": _CONTRACT_FIELDS}


def routers() -> None:
    """Cases for each router."""
    route("text-goes-on-to-masking", "route_parse", {}, "mask", "text_extracted")
    route(
        "unreadable-document-fails",
        "route_parse",
        {"parsed": False, "error": "no text layer"},
        "fail",
        "document_unreadable",
    )
    for doc_type in _FIELDS:
        route(f"accepted-{doc_type}", "route_type", {"doc_type": doc_type}, f"extract_{doc_type}", "type_accepted")
        route(
            f"{doc_type}-output-valid",
            "route_extraction",
            {"doc_type": doc_type},
            f"arbitrate_{doc_type}",
            "output_valid",
        )
        route(
            f"{doc_type}-all-checks-passed",
            "route_validation",
            {"doc_type": doc_type, "fields": _FIELDS[doc_type]},
            "finalize",
            "all_checks_passed",
        )
        route(
            f"{doc_type}-retries-invalid-output",
            "route_extraction",
            {"doc_type": doc_type, "invalid_output": {f"extract_{doc_type}": 1}},
            f"extract_{doc_type}",
            "retry_invalid_output",
        )
    route("unknown-type-goes-to-review", "route_type", {"doc_type": "unknown"}, "prepare_review", "unknown_type")
    route(
        "low-confidence-type-goes-to-review",
        "route_type",
        {"doc_type": "invoice", "type_confidence": 0.5},
        "prepare_review",
        "low_confidence_type",
    )
    route(
        "invalid-classification-is-retried",
        "route_type",
        {"invalid_output": {"classify": 1}},
        "classify",
        "retry_invalid_output",
    )
    route(
        "invalid-classification-twice-goes-to-review",
        "route_type",
        {"invalid_output": {"classify": 2}},
        "prepare_review",
        "invalid_output_exhausted",
    )
    route("classify-without-an-answer-fails", "route_type", {"error": "model unavailable"}, "fail", "model_unavailable")
    route(
        "classify-over-budget-goes-to-review",
        "route_type",
        {"budget_stop": "cost 1.00 USD reached"},
        "prepare_review",
        "budget_exceeded",
    )
    route(
        "invalid-extraction-twice-goes-to-review",
        "route_extraction",
        {"doc_type": "invoice", "invalid_output": {"extract_invoice": 2}},
        "prepare_review",
        "invalid_output_exhausted",
    )
    route(
        "extraction-without-a-type-goes-to-review",
        "route_extraction",
        {"doc_type": "unknown"},
        "prepare_review",
        "type_not_accepted",
    )
    route(
        "extraction-over-budget-fails-when-told",
        "route_extraction",
        {"doc_type": "invoice", "budget_stop": "tokens", "policy": {"budget": {"on_exceeded": "fail"}}},
        "fail",
        "budget_exceeded_fail",
    )
    route(
        "failed-rule-goes-to-review",
        "route_validation",
        {"doc_type": "invoice", "fields": _INVOICE_FIELDS, "failed_rules": ["net_plus_tax_equals_total"]},
        "prepare_review",
        "validation_failed",
    )
    route(
        "low-confidence-field-goes-to-review",
        "route_validation",
        {"doc_type": "receipt", "fields": {**_RECEIPT_FIELDS, "total_amount": {"value": "24.50", "confidence": 0.5}}},
        "prepare_review",
        "low_confidence_field",
    )
    route(
        "rejected-required-field-goes-to-review",
        "route_validation",
        {"doc_type": "receipt", "fields": {**_RECEIPT_FIELDS, "vendor_name": {"status": "rejected"}}},
        "prepare_review",
        "unsupported_evidence",
    )
    route(
        "high-total-needs-a-reviewer",
        "route_validation",
        {"doc_type": "invoice", "fields": {**_INVOICE_FIELDS, "total_amount": "25000.00"}},
        "prepare_review",
        "high_risk",
    )
    route(
        "conflict-fails-when-told",
        "route_validation",
        {
            "doc_type": "contract",
            "policy": {"steps": {"extract": {"on_conflicting_values": "fail"}}},
            "fields": {
                **_CONTRACT_FIELDS,
                "jurisdiction": {"value": "New York", "reasons": ["conflicting values: New York vs Texas"]},
            },
        },
        "fail",
        "conflicting_values_fail",
    )
    route(
        "reviewer-approved",
        "route_review",
        {"doc_type": "invoice", "decision": {"reviewer": "ana", "action": "approve"}},
        "finalize",
        "reviewer_approved",
    )
    route(
        "reviewer-rejected",
        "route_review",
        {"doc_type": "invoice", "decision": {"reviewer": "ana", "action": "reject", "reason": "not ours"}},
        "reject",
        "reviewer_rejected",
    )
    route(
        "reviewer-edited-fields",
        "route_review",
        {
            "doc_type": "receipt",
            "decision": {"reviewer": "ana", "action": "edit", "edits": {"total_amount": ["24.50"]}},
        },
        "validate_receipt",
        "reviewer_edited",
    )
    route(
        "reviewer-set-the-type",
        "route_review",
        {"doc_type": "unknown", "decision": {"reviewer": "ana", "action": "edit", "doc_type": "contract"}},
        "extract_contract",
        "reviewer_set_type",
    )


def rules(name: str, doc_type: str, values: dict[str, Any], expected: list[tuple[str, bool]], **extra: Any) -> None:
    """A rule case: every rule result, in order."""
    write(
        {
            "kind": "rule",
            "name": name,
            "step": f"rules_{doc_type}",
            "doc_type": doc_type,
            "values": values,
            **extra,
            "expected": [{"rule": rule, "passed": passed} for rule, passed in expected],
        }
    )


_INVOICE_VALUES = {**_INVOICE_FIELDS, "due_date": "2024-04-13", "net_amount": "150.00", "tax_amount": "30.00"}
_LINES = {
    "line_items": [
        {"cells": {"description": "Flyers", "amount": "120.00"}},
        {"cells": {"description": "Posters", "amount": "30.00"}},
    ]
}
_DATES = [("date_plausible", True), ("date_plausible", True)]


def business_rules() -> None:
    """Rule cases for each built-in type."""
    rules(
        "clean-invoice-passes-every-rule",
        "invoice",
        _INVOICE_VALUES,
        [
            ("required_fields_present", True),
            *_DATES,
            ("net_plus_tax_equals_total", True),
            ("line_items_sum_to_net", True),
            ("due_date_not_before_issue_date", True),
            ("invoice_number_not_seen_for_vendor", True),
        ],
        tables=_LINES,
    )
    rules(
        "total-off-by-a-pound",
        "invoice",
        {**_INVOICE_VALUES, "total_amount": "181.00"},
        [
            ("required_fields_present", True),
            *_DATES,
            ("net_plus_tax_equals_total", False),
            ("due_date_not_before_issue_date", True),
            ("invoice_number_not_seen_for_vendor", True),
        ],
    )
    rules(
        "rounding-within-tolerance",
        "invoice",
        {**_INVOICE_VALUES, "total_amount": "180.01"},
        [
            ("required_fields_present", True),
            *_DATES,
            ("net_plus_tax_equals_total", True),
            ("due_date_not_before_issue_date", True),
            ("invoice_number_not_seen_for_vendor", True),
        ],
    )
    rules(
        "due-before-issue",
        "invoice",
        {**_INVOICE_VALUES, "due_date": "2024-03-01"},
        [
            ("required_fields_present", True),
            *_DATES,
            ("net_plus_tax_equals_total", True),
            ("due_date_not_before_issue_date", False),
            ("invoice_number_not_seen_for_vendor", True),
        ],
    )
    rules(
        "invoice-number-seen-before",
        "invoice",
        _INVOICE_VALUES,
        [
            ("required_fields_present", True),
            *_DATES,
            ("net_plus_tax_equals_total", True),
            ("due_date_not_before_issue_date", True),
            ("invoice_number_not_seen_for_vendor", False),
        ],
        earlier_runs=["run-7"],
    )
    rules(
        "lines-that-do-not-add-up",
        "invoice",
        {**_INVOICE_VALUES, "net_amount": "160.00", "tax_amount": "20.00"},
        [
            ("required_fields_present", True),
            *_DATES,
            ("net_plus_tax_equals_total", True),
            ("line_items_sum_to_net", False),
            ("due_date_not_before_issue_date", True),
            ("invoice_number_not_seen_for_vendor", True),
        ],
        tables=_LINES,
    )
    rules(
        "invoice-without-a-number",
        "invoice",
        {"vendor_name": "Brightline", "issue_date": "2024-03-14", "total_amount": "180.00"},
        [("required_fields_present", False), ("date_plausible", True)],
    )
    rules(
        "invoice-from-the-far-future",
        "invoice",
        {**_INVOICE_FIELDS, "issue_date": "2031-01-01"},
        [("required_fields_present", True), ("date_plausible", False), ("invoice_number_not_seen_for_vendor", True)],
    )
    rules(
        "receipt-total-positive",
        "receipt",
        _RECEIPT_FIELDS,
        [("required_fields_present", True), ("date_plausible", True), ("total_positive", True)],
    )
    rules(
        "receipt-total-zero",
        "receipt",
        {**_RECEIPT_FIELDS, "total_amount": "0.00"},
        [("required_fields_present", True), ("date_plausible", True), ("total_positive", False)],
    )
    rules(
        "receipt-without-a-date",
        "receipt",
        {"vendor_name": "KEDAI", "total_amount": "3.00"},
        [("required_fields_present", False), ("total_positive", True)],
    )
    rules(
        "receipt-from-1960",
        "receipt",
        {**_RECEIPT_FIELDS, "issue_date": "1960-05-02"},
        [("required_fields_present", True), ("date_plausible", False), ("total_positive", True)],
    )
    rules(
        "contract-parties-distinct",
        "contract",
        {**_CONTRACT_FIELDS, "effective_date": "2021-06-03"},
        [("required_fields_present", True), ("date_plausible", True), ("parties_distinct", True)],
    )
    rules(
        "contract-party-named-twice",
        "contract",
        {"parties": ["Orion Data Systems", "orion  data systems"]},
        [("required_fields_present", True), ("parties_distinct", False)],
    )
    rules("contract-without-parties", "contract", {"jurisdiction": "New York"}, [("required_fields_present", False)])


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
    invoice = {"doc_type": "invoice", "fields": {**_INVOICE_FIELDS, "total_amount": "181.00"}}
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
        {"doc_type": "receipt", "fields": _RECEIPT_FIELDS},
        {"reviewer": "ana", "action": "approve"},
        {"accepted": True, "fields": {"total_amount": "24.50"}, "route": "finalize"},
        ["low_confidence_field"],
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


def main() -> None:
    """Write every generated case and the schema."""
    model_steps()
    applies()
    routers()
    business_rules()
    reviews()
    documents()
    write_schema()


if __name__ == "__main__":
    main()
