"""Contract rules."""

from __future__ import annotations

from claimflow.state.normalize import fold
from claimflow.state.outcomes import FieldResult, RuleResult


def contract_rules(fields: dict[str, FieldResult]) -> list[RuleResult]:
    """A contract names distinct parties."""
    parties = fields.get("parties")
    if parties is None or not isinstance(parties.value, list) or not parties.value:
        return []
    distinct = {fold(name) for name in parties.value}
    passed = len(distinct) == len(parties.value)
    return [
        RuleResult(
            rule="parties_distinct",
            passed=passed,
            message=f"{len(parties.value)} part(ies), {len(distinct)} distinct",
            fields=["parties"],
        )
    ]
