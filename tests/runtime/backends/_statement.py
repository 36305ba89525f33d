"""A bank statement type declared as a user would, for the label-driven extractor's table tests (synthetic).

`STATEMENT` reads `CR` and `DR` as accounting does (the default, as on an invoice); `CREDIT_STATEMENT` is the same
declaration with `credit_marks="statement"`, a bank's reading: `CR` money in, `DR` money out.
"""

from __future__ import annotations

from claimflow import Column, DocumentType, Field
from claimflow.runtime.backends.rules._generic import generic_extract

_FIELDS = [
    Field("closing_balance", "amount", labels=("Closing Balance", "Neuer Kontostand")),
    Field("transactions", "table", columns=[
        Column("date", "date", required=True, labels=("Date", "Buchungstag")),
        Column("description", "text", labels=("Description", "Verwendungszweck")),
        Column("amount", "amount", required=True, labels=("Amount", "Betrag")),
    ]),
]  # fmt: skip

STATEMENT = DocumentType(
    name="bank_statement",
    description="A bank's statement of one account: balances and booked lines.",
    titles=("Bank Statement", "Kontoauszug"),
    fields=_FIELDS,
)

CREDIT_STATEMENT = DocumentType(
    name="bank_statement",
    description="A bank's statement of one account: balances and booked lines.",
    titles=("Bank Statement", "Kontoauszug"),
    fields=_FIELDS,
    credit_marks="statement",
)


def statement_rows(pages: list[str], doc_type: DocumentType = STATEMENT) -> list[dict[str, str]]:
    """The table rows the label-driven extractor claims, as column -> value."""
    return [dict(row.cells) for row in generic_extract(pages, doc_type).rows]
