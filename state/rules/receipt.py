"""Receipt rules."""

from __future__ import annotations

from claimflow.state.normalize import format_amount
from claimflow.state.outcomes import FieldResult, RuleResult
from claimflow.state.rules.common import amount_of


def receipt_rules(fields: dict[str, FieldResult]) -> list[RuleResult]:
    """A receipt's total is positive."""
    total = amount_of(fields, "total_amount")
    if total is None:
        return []
    passed = total > 0
    return [
        RuleResult(
            rule="total_positive",
            passed=passed,
            message=f"total {format_amount(total)} is {'positive' if passed else 'not positive'}",
            fields=["total_amount"],
        )
    ]
