"""Rules every document type shares."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from claimflow.state.normalize import parse_amount, parse_iso_date
from claimflow.state.outcomes import FieldResult, RuleResult, TableRow
from claimflow.state.schema import DocumentType

EARLIEST_PLAUSIBLE = date(1970, 1, 1)
"""Older dates are almost always misreads."""
FUTURE_SLACK = timedelta(days=366)
"""Dates may lie ahead (due dates, contract starts), but not by years."""
AHEAD = "(completed, or under way or in review since before this one)"
"""Which runs a duplicate is a copy of: those ahead of it with its key (`RecordIndex`)."""


def has_value(fields: dict[str, FieldResult], name: str) -> bool:
    """True when the field is accepted or edited and carries a value."""
    result = fields.get(name)
    return result is not None and result.status in ("accepted", "edited") and result.value not in (None, [], "")


def amount_of(fields: dict[str, FieldResult], name: str) -> Decimal | None:
    """The field's value as a Decimal, when it has one."""
    result = fields.get(name)
    if not has_value(fields, name) or result is None or not isinstance(result.value, str):
        return None
    return parse_amount(result.value)


def date_of(fields: dict[str, FieldResult], name: str) -> date | None:
    """The field's value as a date, when it has one."""
    result = fields.get(name)
    if not has_value(fields, name) or result is None or not isinstance(result.value, str):
        return None
    return parse_iso_date(result.value)


def required_present(
    doc_type: DocumentType, fields: dict[str, FieldResult], tables: dict[str, list[TableRow]]
) -> RuleResult:
    """Every required field of the type has an accepted or edited value (a required table, at least one row)."""
    missing = [
        spec.name
        for spec in doc_type.fields
        if spec.required and not (tables.get(spec.name) if spec.is_table else has_value(fields, spec.name))
    ]
    if missing:
        return RuleResult(
            rule="required_fields_present",
            passed=False,
            message=f"required field(s) without an accepted value: {', '.join(missing)}",
            fields=missing,
            code="missing_required",
        )
    return RuleResult(
        rule="required_fields_present", passed=True, message="all required fields have values", code="missing_required"
    )


def runs_not_seen_before(doc_type: DocumentType) -> bool:
    """Whether `not_seen_before` judges the type's documents.

    It does when the type declares a `duplicate_key` and no rule of its own (`reason="duplicate"`) judges them.
    """
    return bool(doc_type.duplicate_key) and not any(rule.reason == "duplicate" for rule in doc_type.rules)


def not_seen_before(
    doc_type: DocumentType, fields: dict[str, FieldResult], earlier_runs: tuple[str, ...]
) -> list[RuleResult]:
    """A document whose `duplicate_key` a run ahead of it has is a duplicate, and goes to review as one.

    Ahead: completed with the key, or under way or in review with it since before this run (`RecordIndex`).

    Declaring the key is what a type does to be kept from processing a document twice, so it needs no rule of its
    own for it; a type that declares a rule with `reason="duplicate"` judges duplicates itself (the invoice's
    looks at the vendor's number), and this one stays out of its way. Nothing to judge while the key is incomplete.
    """
    key = list(doc_type.duplicate_key)
    if not runs_not_seen_before(doc_type):
        return []
    if not all(has_value(fields, name) for name in key):
        return []
    values = ", ".join(f"{name} {fields[name].value}" for name in key)
    if earlier_runs:
        message = f"{values} already in run(s) {', '.join(earlier_runs)} {AHEAD}"
    else:
        message = f"{values} not seen in a run ahead of this one"
    return [RuleResult(rule="not_seen_before", passed=not earlier_runs, message=message, fields=key, code="duplicate")]


def dates_plausible(doc_type: DocumentType, fields: dict[str, FieldResult], *, today: date) -> list[RuleResult]:
    """Every date field's value lies between 1970 and a year from today."""
    results: list[RuleResult] = []
    for spec in doc_type.value_fields:
        for value in _dates(fields, spec.name) if spec.kind == "date" else ():
            plausible = EARLIEST_PLAUSIBLE <= value <= today + FUTURE_SLACK
            results.append(
                RuleResult(
                    rule="date_plausible",
                    passed=plausible,
                    message=f"{spec.name} {value.isoformat()} is {'plausible' if plausible else 'implausible'}"
                    f" (between {EARLIEST_PLAUSIBLE.isoformat()} and {(today + FUTURE_SLACK).isoformat()})",
                    fields=[spec.name],
                )
            )
    return results


def _dates(fields: dict[str, FieldResult], name: str) -> list[date]:
    """Every date a date field holds: its one value, or each of a multiple field's."""
    result = fields.get(name)
    if not has_value(fields, name) or result is None:
        return []
    values = result.value if isinstance(result.value, list) else [result.value]
    return [found for value in values if isinstance(value, str) and (found := parse_iso_date(value)) is not None]
