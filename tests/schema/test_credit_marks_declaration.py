"""`credit_marks` is declared per type: accounting's reading unless told, a bank statement's when asked, and
anything else refused at declaration with the readings there are."""

from __future__ import annotations

import pytest

from claimflow import DeclarationError, DocumentType, Field


def declare(**changes: object) -> DocumentType:
    spec: dict[str, object] = {
        "name": "bank_statement",
        "description": "A bank's statement of one account.",
        "fields": [Field("closing_balance", "amount", labels=("Closing Balance",))],
    }
    spec.update(changes)
    return DocumentType(**spec)  # type: ignore[arg-type]


def test_a_type_reads_the_marks_as_accounting_does_unless_it_declares_otherwise() -> None:
    assert declare().credit_marks == "accounting"
    assert declare().describe()["credit_marks"] == "accounting"


def test_a_type_may_read_the_marks_as_a_bank_statement_does() -> None:
    doc_type = declare(credit_marks="statement")
    assert doc_type.credit_marks == "statement"
    assert doc_type.describe()["credit_marks"] == "statement"


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("statment", "credit_marks 'statment' is not one of 'accounting', 'statement' (did you mean 'statement'?)"),
        ("bank", "credit_marks 'bank' is not one of 'accounting', 'statement': 'accounting' (the default) reads 100.00"
                 " CR as a credit, negative; 'statement' reads 100.00 CR as money in and 100.00 DR as money out"),
        (None, "credit_marks None is not one of 'accounting', 'statement'"),
        (True, "credit_marks True is not one of 'accounting', 'statement'"),
    ],
)  # fmt: skip
def test_another_reading_is_refused_with_the_readings_there_are(given: object, message: str) -> None:
    with pytest.raises(DeclarationError) as raised:
        declare(credit_marks=given)
    assert str(raised.value).startswith("document type 'bank_statement': ")
    assert message in str(raised.value)
