"""A field may share the labels of another of its kind: an invoice's total printed only as what is due, and what is
due printed only as the total where nothing was paid before."""

from __future__ import annotations

import pytest

from claimflow import DocumentType, Field
from claimflow.doctypes import INVOICE
from claimflow.state.documents import SourceText
from claimflow.state.errors import DeclarationError
from claimflow.state.evidence import ClaimedEvidence, locate
from claimflow.state.labels import first_printed
from claimflow.state.proof import prove
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


def test_the_amount_due_is_the_total_where_the_invoice_prints_no_payment_made_before() -> None:
    page = "INVOICE\nInvoice No: 7\nNet 1,000.00\nVAT 350.00\nGrand Total USD 1,350.00\nPayable within 30 days"
    proof = prove_page(INVOICE, "amount_due", "1350.00", page)
    assert (proof.ok, proof.check, proof.label) == (True, "own_label", "Grand Total")
    assert proof.reason == (
        "amount '1350.00' is written under 'Grand Total', a label of total_amount that amount_due shares"
    )


@pytest.mark.parametrize(
    ("printed", "line"),
    [
        ("Prepaid", "Prepaid USD 350.00"),
        ("Erhaltene ANZAHLUNG", "Erhaltene ANZAHLUNG 350,00"),  # any case; the longest label printed
        ("Acompte versé", "Acompte versé 350,00"),
        ("Rounding Amount", "Rounding Amount USD 0.01"),
        ("PAID", "PAID"),  # a stamp: nothing is due at all
        ("Anzahlung", "Abzgl. Anzahlung vom 03.05. 350,00"),
        ("Less", "Less: payment of 10.03.2024 -350.00"),
        ("Previous Balance", "Previous Balance USD 20.00"),
        ("Balance", "Balance USD 1,000.00"),
        ("Already paid", "Already paid? Please disregard this invoice."),  # erring on the side of review
    ],
)
def test_a_payment_made_before_stops_the_total_proving_the_amount_due(printed: str, line: str) -> None:
    page = f"INVOICE\nGrand Total USD 1,350.00\n{line}\nThank you"
    proof = prove_page(INVOICE, "amount_due", "1350.00", page)
    assert (proof.ok, proof.check) == (False, "wrong_label")
    assert proof.reason == (
        "'1350.00' stands under 'Grand Total', the label of total_amount, not of amount_due; amount_due shares that"
        f" label only in a document that prints none of its unless_printed labels, and this one prints {printed!r}"
    )


def test_a_payment_made_before_leaves_the_amount_dues_own_label_and_the_totals_sharing_alone() -> None:
    page = "INVOICE\nTotal USD 1,350.00\nDeposit Paid USD 350.00\nBalance Due USD 1,000.00"
    assert prove_page(INVOICE, "amount_due", "1000.00", page).check == "own_label"
    # The total shares the amount due's labels with no condition: a bill printing only `Balance Due` totals it.
    shared = prove_page(INVOICE, "total_amount", "1350.00", "Deposit Paid 0.00\nBalance Due USD 1,350.00")
    assert (shared.ok, shared.check) == (True, "own_label")


def test_a_word_inside_another_is_not_printed() -> None:
    # `Paid` in `Unpaid`: labels are matched as whole words.
    page = "INVOICE\nStatus: Unpaid\nGrand Total USD 1,350.00"
    assert prove_page(INVOICE, "amount_due", "1350.00", page).ok


def test_unless_printed_needs_shared_labels_and_is_described_when_declared() -> None:
    with pytest.raises(DeclarationError, match="unless_printed says when shared labels stop proving the field"):
        Field("due", "amount", labels=("Amount Due",), unless_printed=("Prepaid",))
    with pytest.raises(DeclarationError, match="unless_printed must be a list of strings"):
        Field("due", "amount", shares_labels_of=("total",), unless_printed="Prepaid")
    with pytest.raises(DeclarationError, match="unless_printed: '...' has no words"):
        Field("due", "amount", shares_labels_of=("total",), unless_printed=("...",))
    bill = _type(
        Field("total", "amount", labels=("Total",)),
        Field("due", "amount", labels=("Amount Due",), shares_labels_of=("total",), unless_printed=("Prepaid",)),
    )
    fields = bill.describe()["fields"]
    assert isinstance(fields, list)
    described = {field["name"]: field for field in fields}
    assert described["due"]["unless_printed"] == ["Prepaid"]
    assert "unless_printed" not in described["total"]
    assert prove_page(bill, "due", "12.00", "Total 12.00").ok
    assert not prove_page(bill, "due", "12.00", "Total 12.00\nprepaid 2.00").ok


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


def test_a_label_printed_on_any_page_stops_the_sharing() -> None:
    source = SourceText(pages=("INVOICE\nGrand Total USD 1,350.00", "Terms\nPrepaid by card USD 350.00"))
    located = locate(ClaimedEvidence(quote="Grand Total USD 1,350.00", page=1), source)
    spec = INVOICE.field("amount_due")
    assert located.evidence is not None and spec is not None
    proof = prove(INVOICE, spec, "1350.00", located.evidence, source)
    assert (proof.ok, proof.check) == (False, "wrong_label")
    assert proof.reason.endswith("and this one prints 'Prepaid'")


def test_words_of_an_address_are_no_label_printed() -> None:
    labels = ("Payments", "Paid")
    assert first_printed(["Questions: payments@northwind.example, www.paid.example"], labels) is None
    assert first_printed(["Questions: payments@northwind.example. Already paid."], labels) == "paid"
    page = "INVOICE\nGrand Total USD 1,350.00\nQuestions: payments@northwind.example"
    assert prove_page(INVOICE, "amount_due", "1350.00", page).ok
