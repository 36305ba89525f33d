"""A field may share the labels of another of its kind: an invoice's total printed only as what is due."""

from __future__ import annotations

import pytest

from claimflow import DocumentType, Field
from claimflow.doctypes import INVOICE
from claimflow.state.errors import DeclarationError
from tests.state._proving import prove_page


def _type(*fields: Field) -> DocumentType:
    return DocumentType(name="bill", description="A bill.", titles=("Bill",), fields=list(fields))


def test_a_value_under_a_shared_label_proves_the_field_that_shares_it() -> None:
    proof = prove_page(INVOICE, "total_amount", "1350.00", "Total Due USD 1,350.00")
    assert (proof.ok, proof.check, proof.label) == (True, "own_label", "Total Due")
    assert (
        proof.reason == "amount '1350.00' is written under 'Total Due', a label of amount_due that total_amount shares"
    )
    # And the label's own field, as before.
    assert prove_page(INVOICE, "amount_due", "1350.00", "Total Due USD 1,350.00").check == "own_label"


def test_sharing_goes_one_way() -> None:
    # `amount_due` does not share the total's labels: what a bill totals is not always what is left to pay.
    proof = prove_page(INVOICE, "amount_due", "1350.00", "Grand Total USD 1,350.00")
    assert (proof.ok, proof.check) == (False, "wrong_label")


def test_without_sharing_another_fields_label_still_refuses() -> None:
    bill = _type(Field("total", "amount", labels=("Total",)), Field("due", "amount", labels=("Amount Due",)))
    proof = prove_page(bill, "total", "12.00", "Amount Due 12.00")
    assert (proof.ok, proof.check) == (False, "wrong_label")


@pytest.mark.parametrize(
    ("shared", "message"),
    [
        ("deposit", "field total shares the labels of 'deposit', which is no other amount field of the type; amount"
                    " fields: due"),
        ("reference", "field total shares the labels of 'reference', which is no other amount field of the type"),
        ("total", "field total shares the labels of 'total', which is no other amount field of the type"),
    ],
)  # fmt: skip
def test_a_field_shares_only_the_labels_of_another_field_of_its_kind(shared: str, message: str) -> None:
    with pytest.raises(DeclarationError, match=message):
        _type(
            Field("total", "amount", labels=("Total",), shares_labels_of=(shared,)),
            Field("due", "amount", labels=("Amount Due",)),
            Field("reference", "identifier", labels=("Ref.",)),
        )


def test_the_declaration_names_what_it_shares_only_when_it_shares() -> None:
    bill = _type(
        Field("total", "amount", labels=("Total",), shares_labels_of=("due",)),
        Field("due", "amount", labels=("Amount Due",)),
    )
    fields = bill.describe()["fields"]
    assert isinstance(fields, list)
    described = {field["name"]: field for field in fields}
    assert described["total"]["shares_labels_of"] == ["due"]
    assert "shares_labels_of" not in described["due"]
    with pytest.raises(DeclarationError, match="shares_labels_of must be a list of strings"):
        Field("total", "amount", shares_labels_of="due")
