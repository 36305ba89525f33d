"""Golden cases of the routers: facts in, the next node and the rule that fired out."""

from __future__ import annotations

from typing import Any

from claimflow.evals.make_goldens._cases import (
    CONTRACT_FIELDS,
    INVOICE_FIELDS,
    RECEIPT_FIELDS,
    write,
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


_FIELDS = {"invoice": INVOICE_FIELDS, "receipt": RECEIPT_FIELDS, "contract": CONTRACT_FIELDS}


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
        {"doc_type": "invoice", "fields": INVOICE_FIELDS, "failed_rules": ["net_plus_tax_equals_total"]},
        "prepare_review",
        "validation_failed",
    )
    route(
        "low-confidence-field-goes-to-review",
        "route_validation",
        {"doc_type": "receipt", "fields": {**RECEIPT_FIELDS, "total_amount": {"value": "24.50", "confidence": 0.5}}},
        "prepare_review",
        "low_confidence_field",
    )
    route(
        "rejected-required-field-goes-to-review",
        "route_validation",
        {"doc_type": "receipt", "fields": {**RECEIPT_FIELDS, "vendor_name": {"status": "rejected"}}},
        "prepare_review",
        "unsupported_evidence",
    )
    route(
        "high-total-needs-a-reviewer",
        "route_validation",
        {"doc_type": "invoice", "fields": {**INVOICE_FIELDS, "total_amount": "25000.00"}},
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
                **CONTRACT_FIELDS,
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
