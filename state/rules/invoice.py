"""Invoice rules: the arithmetic adds up, dates are in order, the invoice is not a duplicate."""

from __future__ import annotations

from decimal import Decimal

from claimflow.state.normalize import format_amount
from claimflow.state.outcomes import FieldResult, LineItem, RuleResult
from claimflow.state.policy import Policy
from claimflow.state.rules.common import amount_of, date_of, has_value


def _net_tax_total(fields: dict[str, FieldResult], tolerance: Decimal) -> RuleResult | None:
    net, tax, total = (amount_of(fields, name) for name in ("net_amount", "tax_amount", "total_amount"))
    if net is None or tax is None or total is None:
        return None
    difference = net + tax - total
    passed = abs(difference) <= tolerance
    return RuleResult(
        rule="net_plus_tax_equals_total",
        passed=passed,
        message=f"{format_amount(net)} + {format_amount(tax)} = {format_amount(net + tax)}, total is "
        f"{format_amount(total)}" + ("" if passed else f" (off by {format_amount(difference)})"),
        fields=["net_amount", "tax_amount", "total_amount"],
    )


def _line_items_sum(fields: dict[str, FieldResult], items: list[LineItem], tolerance: Decimal) -> RuleResult | None:
    net = amount_of(fields, "net_amount")
    if not items or net is None:
        return None
    lines = sum((Decimal(item.amount) for item in items), Decimal(0))
    passed = abs(lines - net) <= tolerance * max(1, len(items))
    return RuleResult(
        rule="line_items_sum_to_net",
        passed=passed,
        message=f"{len(items)} line(s) sum to {format_amount(lines)}, net amount is {format_amount(net)}",
        fields=["net_amount"],
    )


def _due_after_issue(fields: dict[str, FieldResult]) -> RuleResult | None:
    issued, due = date_of(fields, "issue_date"), date_of(fields, "due_date")
    if issued is None or due is None:
        return None
    passed = due >= issued
    return RuleResult(
        rule="due_date_not_before_issue_date",
        passed=passed,
        message=f"due {due.isoformat()} {'is not' if passed else 'is'} before issue {issued.isoformat()}",
        fields=["issue_date", "due_date"],
    )


def _not_duplicate(fields: dict[str, FieldResult], duplicate_runs: list[str]) -> RuleResult | None:
    if not (has_value(fields, "vendor_name") and has_value(fields, "invoice_number")):
        return None
    passed = not duplicate_runs
    return RuleResult(
        rule="invoice_number_not_seen_for_vendor",
        passed=passed,
        message="invoice number not seen before for this vendor"
        if passed
        else f"invoice number already processed for this vendor in run(s) {', '.join(duplicate_runs)}",
        fields=["vendor_name", "invoice_number"],
    )


def invoice_rules(
    fields: dict[str, FieldResult], items: list[LineItem], policy: Policy, *, duplicate_runs: list[str]
) -> list[RuleResult]:
    """All invoice rules that apply to the fields present."""
    tolerance = policy.amount_tolerance
    candidates = [
        _net_tax_total(fields, tolerance),
        _line_items_sum(fields, items, tolerance),
        _due_after_issue(fields),
        _not_duplicate(fields, duplicate_runs),
    ]
    return [result for result in candidates if result is not None]
