"""Business rules per document type: pure checks over accepted fields, no model involved."""

from __future__ import annotations

from datetime import date

from claimflow.state.fields import DocType
from claimflow.state.outcomes import FieldResult, LineItem, RuleResult
from claimflow.state.policy import Policy
from claimflow.state.rules.common import dates_plausible, required_present
from claimflow.state.rules.contract import contract_rules
from claimflow.state.rules.invoice import invoice_rules
from claimflow.state.rules.receipt import receipt_rules

__all__ = ["dates_plausible", "required_present", "validate_document"]


def validate_document(
    doc_type: DocType,
    fields: dict[str, FieldResult],
    line_items: list[LineItem],
    policy: Policy,
    *,
    today: date,
    duplicate_runs: list[str],
) -> list[RuleResult]:
    """Run every rule of the document type; `duplicate_runs` are earlier runs with the same invoice."""
    results = [required_present(doc_type, fields), *dates_plausible(fields, today=today)]
    if doc_type == "invoice":
        results += invoice_rules(fields, line_items, policy, duplicate_runs=duplicate_runs)
    elif doc_type == "receipt":
        results += receipt_rules(fields)
    else:
        results += contract_rules(fields)
    return results
