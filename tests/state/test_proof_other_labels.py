"""A value under a label of another value (a discount, a customer number, an expiry date) proves no field.

Such labels belong to no field of the type (state/other_labels.py); a field's label run together with one of
them (`TOTAL SAVED`, `DATE DUE`) names that other value, not the field. A type that declares one as a field's
own label keeps it.
"""

from __future__ import annotations

import pytest

from claimflow import DocumentType, Field
from claimflow.doctypes import INVOICE, RECEIPT
from tests.state._proving import prove_page


@pytest.mark.parametrize(
    ("doc_type", "field", "value", "page", "label"),
    [
        (RECEIPT, "issue_date", "2019-06-30", "EXPIRY DATE: 30/06/2019", "EXPIRY DATE"),
        (RECEIPT, "issue_date", "2019-06-30", "DUE DATE: 30/06/2019", "DUE DATE"),
        (RECEIPT, "issue_date", "2019-06-30", "DATE DUE 30/06/2019", "DATE DUE"),
        (RECEIPT, "issue_date", "2019-06-30", "DELIVERY DATE: 30/06/2019", "DELIVERY DATE"),
        (RECEIPT, "issue_date", "2019-06-30", "BEST BEFORE 30/06/2019", "BEST BEFORE"),
        (RECEIPT, "issue_date", "2019-06-30", "RETURN BY 30/06/2019", "RETURN BY"),
        (RECEIPT, "issue_date", "2019-06-30", "PROMO ENDS 30/06/2019", "PROMO ENDS"),
        (RECEIPT, "issue_date", "2019-06-30", "Gültig bis 30.06.2019", "Gültig bis"),
        (RECEIPT, "total_amount", "1.79", "TOTAL GST 1.79", "TOTAL GST"),
        (RECEIPT, "total_amount", "3.00", "TOTAL SAVED 3.00", "TOTAL SAVED"),
        (RECEIPT, "total_amount", "50.00", "CASH 50.00", "CASH"),
        (INVOICE, "total_amount", "5.00", "Discount: 5.00", "Discount"),
        (INVOICE, "total_amount", "5.00", "Total Discount: 5.00", "Total Discount"),
        (INVOICE, "total_amount", "7.00", "Shipping: 7.00", "Shipping"),
        (INVOICE, "total_amount", "7.00", "Versandkosten: 7,00", "Versandkosten"),
        (INVOICE, "total_amount", "50.00", "Amount paid: 50.00", "Amount paid"),
        (INVOICE, "total_amount", "12.00", "Balance brought forward: 12.00", "Balance brought forward"),
        (INVOICE, "total_amount", "4711", "PO Number: 4711", "PO Number"),
        (INVOICE, "total_amount", "12345678", "Account No.: 12345678", "Account No."),
        (INVOICE, "total_amount", "1", "Page 1 of 2", "Page"),
        (INVOICE, "total_amount", "3", "Qty 3", "Qty"),
        (INVOICE, "invoice_number", "2024", "Customer No.: 2024", "Customer No."),
        (INVOICE, "invoice_number", "2024", "Kundennummer: 2024", "Kundennummer"),
        (INVOICE, "invoice_number", "GB123456789", "VAT Reg No: GB123456789", "VAT Reg No"),
        (INVOICE, "invoice_number", "0123 456789", "Phone: 0123 456789", "Phone"),
        (INVOICE, "due_date", "2024-03-02", "Delivery Date: 02.03.2024", "Delivery Date"),
    ],
)
def test_a_value_under_a_label_of_another_value_is_refused_naming_it(
    doc_type: DocumentType, field: str, value: str, page: str, label: str
) -> None:
    proof = prove_page(doc_type, field, value, page)
    assert not proof.ok, proof
    assert proof.label == label and label in proof.reason


def test_a_delivery_date_is_refused_for_both_dates_of_an_invoice() -> None:
    assert prove_page(INVOICE, "issue_date", "2024-03-02", "Delivery Date: 02.03.2024").check == "counter_label"
    assert prove_page(INVOICE, "due_date", "2024-03-02", "Delivery Date: 02.03.2024").check == "wrong_label"


def test_a_number_written_as_a_duration_is_no_amount() -> None:
    proof = prove_page(INVOICE, "total_amount", "30.00", "Total due in 30 days")
    assert not proof.ok and proof.check == "value_not_in_quote" and "duration" in proof.reason


@pytest.mark.parametrize(
    ("value", "page"),
    [
        ("2.00", "Total (2 items): 24.00"),
        ("3.00", "Total 3 pcs"),
        ("5.00", "Gesamt 5 Stück"),
        ("2.00", "Page 1 of 2"),
        ("4.00", "Seite 3 von 4"),
    ],
)
def test_a_number_written_as_a_count_is_no_amount(value: str, page: str) -> None:
    proof = prove_page(INVOICE, "total_amount", value, page)
    assert not proof.ok and proof.check == "value_not_in_quote" and "written as a count" in proof.reason


@pytest.mark.parametrize(
    ("value", "page"),
    [
        ("14555.00", "Total weight: 14.555 kg"),  # money's grouping would make it fourteen thousand
        ("14.50", "Total 14.50kg"),
        ("1.50", "Total 1,5 l"),
        ("250.00", "Total 250 ml"),
        ("12.00", "Total 12 m²"),
        ("3.20", "Total 3.2 kWh"),
        ("80.00", "Total 80 lbs"),
    ],
)
def test_a_number_written_as_a_measure_is_no_amount(value: str, page: str) -> None:
    proof = prove_page(INVOICE, "total_amount", value, page)
    assert not proof.ok and proof.check == "value_not_in_quote" and "written as a measure" in proof.reason


@pytest.mark.parametrize(
    ("value", "page"),
    [
        ("12.00", "Total 12.00 EUR"),
        ("12.00", "Total 12.00 GBP"),
        ("19.00", "Total 19.00 MwSt. inkl."),
        ("12.00", "Total 12.00 gross"),
        ("7.50", "Total 7.50 (incl. 2 l deposit)"),
    ],
)
def test_money_followed_by_letters_that_begin_a_unit_is_still_money(value: str, page: str) -> None:
    assert prove_page(INVOICE, "total_amount", value, page).ok


@pytest.mark.parametrize(
    ("doc_type", "field", "value", "page"),
    [
        (RECEIPT, "issue_date", "2019-06-30", "DATE: 30/06/2019"),
        (RECEIPT, "total_amount", "6.00", "TOTAL INCL OF GST : 6.00"),
        (RECEIPT, "total_amount", "4.25", "TOTAL SALES (INCLUSIVE OF GST) 4.25"),
        (RECEIPT, "total_amount", "12.00", "TOTAL INC GST 12.00"),
        (RECEIPT, "total_amount", "13.60", "ROUNDING RM 13.60"),
        (INVOICE, "net_amount", "100.00", "Subtotal: 100.00"),
        (INVOICE, "tax_amount", "19.00", "VAT 19%: 19.00"),
        (INVOICE, "due_date", "2024-03-15", "Due: 15.03.2024"),
        (INVOICE, "total_amount", "24.00", "Total (2 items): 24.00"),
    ],
)
def test_the_fields_own_labels_still_prove_them(doc_type: DocumentType, field: str, value: str, page: str) -> None:
    assert prove_page(doc_type, field, value, page).ok


def test_a_type_that_declares_such_a_label_for_a_field_keeps_it() -> None:
    orders = DocumentType(
        name="order_summary",
        description="A summary of an order",
        fields=[Field("discount", "amount", labels=("Discount",)), Field("total", "amount", labels=("Total",))],
    )
    assert prove_page(orders, "discount", "5.00", "Discount: 5.00").check == "own_label"
    assert not prove_page(orders, "total", "5.00", "Discount: 5.00").ok
    assert not prove_page(orders, "total", "7.00", "Shipping: 7.00").ok
