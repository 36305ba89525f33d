"""Business rules: the checks every type gets (required fields, plausible dates, a key seen before), then its own."""

from __future__ import annotations

from datetime import date

from claimflow.state.outcomes import FieldResult, RuleResult, TableRow
from claimflow.state.policy import Policy
from claimflow.state.rules.common import (
    amount_of,
    date_of,
    dates_plausible,
    has_value,
    not_seen_before,
    required_present,
    runs_not_seen_before,
)
from claimflow.state.schema import DocumentType, run_rules

__all__ = [
    "amount_of",
    "date_of",
    "dates_plausible",
    "has_value",
    "not_seen_before",
    "required_present",
    "rule_names",
    "validate_document",
]


def rule_names(doc_type: DocumentType) -> list[str]:
    """The names of the rules `validate_document` can record for `doc_type`, in the order they run.

    The common rules, each where it can run for the type (a date to judge, a `duplicate_key` no rule of the type
    judges itself), then the type's own.
    """
    names = ["required_fields_present"]
    names += ["date_plausible"] if any(spec.kind == "date" for spec in doc_type.value_fields) else []
    names += ["not_seen_before"] if runs_not_seen_before(doc_type) else []
    return names + [item.name for item in doc_type.rules]


def validate_document(
    doc_type: DocumentType,
    fields: dict[str, FieldResult],
    tables: dict[str, list[TableRow]],
    policy: Policy,
    *,
    today: date,
    earlier_runs: tuple[str, ...] = (),
) -> list[RuleResult]:
    """Run the common rules and every rule the type declares.

    `earlier_runs` are earlier completed runs of the type with the same `duplicate_key` values.
    """
    results = [
        required_present(doc_type, fields, tables),
        *dates_plausible(doc_type, fields, today=today),
        *not_seen_before(doc_type, fields, earlier_runs),
    ]
    return results + run_rules(
        doc_type, fields, tables, today=today, tolerance=policy.amount_tolerance, earlier_runs=earlier_runs
    )
