"""The source of a user's own document type, an expense claim with one rule, for tests that write it to a file.

`RULE` is the rule's module; `declaration` the type that uses it (the rule must be in scope where it is pasted).
"""

from __future__ import annotations

RULE = '''
from claimflow import rule


@rule("amount_within_budget", fields=["amount", "budget"])
def amount_within_budget(doc):
    """The claimed amount must not exceed the budget."""
    amount, budget = doc.amount("amount"), doc.amount("budget")
    if amount is None or budget is None:
        return None
    return doc.check(amount <= budget, f"claimed {amount} against budget {budget}")
'''


def declaration(*, titles: bool = False, version: str | None = "1") -> str:
    """`EXPENSE = DocumentType(...)`: employee, amount and budget, with `amount_within_budget` as its rule."""
    options = ('    titles=("Expense Claim",),\n' if titles else "") + (
        f'    version="{version}",\n' if version is not None else ""
    )
    return f"""
from claimflow import DocumentType, Field

EXPENSE = DocumentType(
    name="expense_claim",
    description="An employee's expense claim",
{options}    fields=[
        Field("employee", "text", required=True, labels=("Employee",)),
        Field("amount", "amount", required=True, labels=("Amount",)),
        Field("budget", "amount", labels=("Budget",)),
    ],
    rules=[amount_within_budget],
)
"""
