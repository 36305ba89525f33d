"""A user's document type as the source of a `--types` file, with a rule whose slack a test can change.

Tests that need the workflow to change between two runs (a rule, a prompt's guidance, a type's version)
write this module again with other values.
"""

from __future__ import annotations

_MODULE = """
from decimal import Decimal

from claimflow import DocumentType, Field, RuleInput, RuleResult, rule


@rule("amount_within_budget", fields=["amount", "budget"])
def amount_within_budget(doc: RuleInput) -> RuleResult | None:
    amount, budget = doc.amount("amount"), doc.amount("budget")
    if amount is None or budget is None:
        return None
    return doc.check(amount <= budget * Decimal("{slack}"), "claimed against budget")


EXPENSE_CLAIM = DocumentType(
    name="expense_claim",
    description="An employee's claim for reimbursement of business expenses.",
    titles=("Expense Claim",),
    fields=[
        Field("claim_number", "identifier", required=True, labels=("Claim No.",)),
        Field("amount", "amount", required=True, labels=("Amount claimed",)),
        Field("budget", "amount", labels=("Approved budget",)),
    ],
    rules=[amount_within_budget],
    guidance="{guidance}",
    version="{version}",
)
"""


def expense_claim_module(*, slack: str = "1", guidance: str = "", version: str = "1") -> str:
    """The module's source: `amount <= budget * slack`, with the type's guidance and version as given."""
    return _MODULE.replace("{slack}", slack).replace("{guidance}", guidance).replace("{version}", version)
