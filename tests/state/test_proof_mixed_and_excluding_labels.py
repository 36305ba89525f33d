"""Labels of two fields run together prove neither; a label qualified as leaving a part out proves no whole.

`Tax Total: 19.00` was read as the nearer label, `Total`, and proved an invoice's total; `Total (excl. tax):
100.00` proved it too, the qualifier being only two words between label and value. A type that means such a
phrase declares it as one field's label (the longer label wins), and a field whose own labels leave a part out
(a net amount's `Total excl. VAT`) is proved by a label so qualified.
"""

from __future__ import annotations

import pytest

from claimflow import DocumentType, Field
from claimflow.doctypes import INVOICE, RECEIPT
from claimflow.state.documents import SourceText
from claimflow.state.proof import find_proving_evidence
from tests.state._proving import prove_page

ORDER = DocumentType(
    "order",
    description="A purchase order",
    fields=[
        Field("shipping", "amount", labels=("Shipping",)),
        Field("handling", "amount", labels=("Handling",)),
        Field("total", "amount", required=True, labels=("Total",)),
        Field("net", "amount", labels=("Net",)),
    ],
)
"""A user's type that declares no phrase of two of its labels."""


@pytest.mark.parametrize("field", ["shipping", "handling", "total"])
@pytest.mark.parametrize("page", ["Shipping Handling: 7.00", "SHIPPING-HANDLING 7.00", "Handling Shipping 7.00"])
def test_two_fields_labels_run_together_prove_neither(field: str, page: str) -> None:
    proof = prove_page(ORDER, field, "7.00", page)
    assert not proof.ok and proof.check == "mixed_label", proof
    assert proof.label == page.rsplit(" ", 1)[0].rstrip(":")
    assert "handling and shipping" in proof.reason


def test_three_fields_labels_run_together_before_a_value_prove_none_of_them() -> None:
    proof = prove_page(ORDER, "total", "119.00", "Net Shipping Handling: 119.00")
    assert proof.check == "mixed_label" and "handling, net and shipping" in proof.reason
    assert prove_page(ORDER, "net", "100.00", "Net Shipping Total: 100.00").check == "mixed_label"


def test_a_heading_rows_labels_a_space_apart_are_columns_not_one_label() -> None:
    # Text layers set a heading row's labels a space apart: each still heads its own column.
    page = "Net Shipping Handling\n100.00 19.00 7.00"
    assert prove_page(ORDER, "net", "100.00", page).check == "own_label"
    assert prove_page(ORDER, "handling", "7.00", page).check == "own_label"


@pytest.mark.parametrize("page", ["Shipping Total: 7.00", "Total Shipping 7.00", "SHIPPING-TOTAL 7.00"])
def test_a_sum_run_together_with_a_fields_label_is_that_fields_sum(page: str) -> None:
    assert prove_page(ORDER, "shipping", "7.00", page).check == "own_label"
    refused = prove_page(ORDER, "total", "7.00", page)
    assert refused.check == "wrong_label" and refused.label == page.rsplit(" ", 1)[0].rstrip(":")


def test_labels_set_apart_as_columns_are_not_run_together() -> None:
    assert prove_page(ORDER, "total", "7.00", "Shipping  Total: 7.00").check == "own_label"
    assert prove_page(ORDER, "total", "7.00", "Shipping 3.00 Total 7.00").check == "own_label"


@pytest.mark.parametrize("page", ["Tax Total: 19.00", "VAT Total 19.00", "Total VAT: 19.00"])
def test_an_invoices_tax_total_is_its_tax_not_its_total(page: str) -> None:
    assert prove_page(INVOICE, "tax_amount", "19.00", page).check == "own_label"
    assert prove_page(INVOICE, "total_amount", "19.00", page).check == "wrong_label"


def test_a_total_run_together_with_net_is_the_net_amount() -> None:
    assert prove_page(INVOICE, "net_amount", "135.00", "Gesamtbetrag Netto 135,00 €").check == "own_label"
    assert prove_page(INVOICE, "total_amount", "135.00", "Gesamtbetrag Netto 135,00 €").check == "wrong_label"


def test_one_fields_labels_together_still_prove_it() -> None:
    assert prove_page(INVOICE, "total_amount", "160.65", "Gesamtbetrag Brutto 160,65 €").ok


@pytest.mark.parametrize(
    ("doc_type", "page", "value"),
    [
        (INVOICE, "Total (excl. tax): 100.00", "100.00"),
        (INVOICE, "Total excluding VAT 100.00", "100.00"),
        (INVOICE, "Summe ohne MwSt.: 100,00", "100.00"),
        (INVOICE, "Total sin IVA: 100,00", "100.00"),
        (RECEIPT, "TOTAL (EXCLUDING GST): 62.00", "62.00"),
        (RECEIPT, "TOTAL 6% SUPPLIES (EXCL. GST): 22.80", "22.80"),
    ],
)
def test_a_total_qualified_as_leaving_a_part_out_is_no_total(doc_type: DocumentType, page: str, value: str) -> None:
    proof = prove_page(doc_type, "total_amount", value, page)
    assert not proof.ok and proof.check == "part_excluded", proof
    assert "leaves a part out" in proof.reason


def test_a_field_whose_labels_leave_a_part_out_is_proved_by_a_label_so_qualified() -> None:
    assert prove_page(INVOICE, "net_amount", "100.00", "Net (excl. VAT): 100.00").check == "own_label"


def test_a_total_including_tax_is_still_the_total() -> None:
    assert prove_page(INVOICE, "total_amount", "119.00", "Total (incl. VAT): 119.00").check == "own_label"


def test_a_value_without_a_quote_is_not_found_under_such_labels() -> None:
    source = SourceText(pages=("Tax Total: 19.00\nTotal (excl. tax): 100.00\nTotal: 119.00",))
    spec = INVOICE.field("total_amount")
    assert spec is not None
    assert find_proving_evidence(INVOICE, spec, "19.00", source) is None
    assert find_proving_evidence(INVOICE, spec, "100.00", source) is None
    found = find_proving_evidence(INVOICE, spec, "119.00", source)
    assert found is not None and found.quote == "119.00"


def test_a_qualified_total_that_reads_as_a_declared_label_is_that_fields() -> None:
    assert prove_page(INVOICE, "net_amount", "150.00", "Total (excl. VAT): 150.00").check == "own_label"
    refused = prove_page(INVOICE, "total_amount", "150.00", "Total (excl. VAT): 150.00")
    assert refused.check == "wrong_label" and "net_amount" in refused.reason
