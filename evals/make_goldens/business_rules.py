"""Golden cases of the business rules: values in, each rule's verdict out."""

from __future__ import annotations

from typing import Any

from claimflow.evals.make_goldens._cases import (
    CONTRACT_FIELDS,
    INVOICE_FIELDS,
    RECEIPT_FIELDS,
    write,
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


_INVOICE_VALUES = {**INVOICE_FIELDS, "due_date": "2024-04-13", "net_amount": "150.00", "tax_amount": "30.00"}
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
        {**INVOICE_FIELDS, "issue_date": "2031-01-01"},
        [("required_fields_present", True), ("date_plausible", False), ("invoice_number_not_seen_for_vendor", True)],
    )
    rules(
        "receipt-total-positive",
        "receipt",
        RECEIPT_FIELDS,
        [("required_fields_present", True), ("date_plausible", True), ("total_positive", True)],
    )
    rules(
        "receipt-total-zero",
        "receipt",
        {**RECEIPT_FIELDS, "total_amount": "0.00"},
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
        {**RECEIPT_FIELDS, "issue_date": "1960-05-02"},
        [("required_fields_present", True), ("date_plausible", False), ("total_positive", True)],
    )
    rules(
        "contract-parties-distinct",
        "contract",
        {**CONTRACT_FIELDS, "effective_date": "2021-06-03"},
        [("required_fields_present", True), ("date_plausible", True), ("parties_distinct", True)],
    )
    rules(
        "contract-party-named-twice",
        "contract",
        {"parties": ["Orion Data Systems", "orion  data systems"]},
        [("required_fields_present", True), ("parties_distinct", False)],
    )
    rules("contract-without-parties", "contract", {"jurisdiction": "New York"}, [("required_fields_present", False)])
