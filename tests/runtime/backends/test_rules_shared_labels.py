"""The rules backend claims a field that shares another's labels from that field's line, where apply accepts it.

An invoice that prints only its total owes that total, as a model reading the page would claim; one that prints a
payment made before it (or a rounding) does not, and the backend claims no amount due there.
"""

from __future__ import annotations

import pytest

from claimflow.doctypes import INVOICE
from claimflow.runtime.backends import rules
from claimflow.runtime.backends.rules._claims import SHARED_DOUBT
from claimflow.runtime.backends.rules._generic import generic_extract
from claimflow.state.apply import apply_extraction
from claimflow.state.claims import ExtractionClaim, FieldClaim
from claimflow.state.documents import SourceText
from tests.factories import utility_bill

_HEAD = "INVOICE\nInvoice No: 2291\nInvoice Date: 14.03.2024\n"
_TOTALS = "Net amount 1,000.00 EUR\nVAT 19% 190.00 EUR\nTotal 1,190.00 EUR\n"


def _claim(claim: ExtractionClaim, name: str) -> FieldClaim | None:
    found = [field for field in claim.fields if field.field == name]
    assert len(found) <= 1, found
    return found[0] if found else None


def test_an_invoice_printing_only_its_total_owes_the_total() -> None:
    text = _HEAD + _TOTALS + "Payable within 30 days\n"
    claim = rules.extract(INVOICE, [text])
    total, due = _claim(claim, "total_amount"), _claim(claim, "amount_due")
    assert total is not None and due is not None
    assert (due.value, due.evidence.quote) == (total.value, total.evidence.quote)
    assert due.confidence == pytest.approx(total.confidence - SHARED_DOUBT)
    # Apply accepts it on the same evidence, naming the shared label.
    patch = apply_extraction(INVOICE, claim, SourceText(pages=(text,)), step="extract", attempt=1)
    assert patch.fields["amount_due"].value == "1190.00"
    assert "a label of total_amount that amount_due shares" in " ".join(patch.fields["amount_due"].reasons)


@pytest.mark.parametrize(
    "line",
    ["Prepaid 190.00 EUR", "Abzüglich Anzahlung 190,00 EUR", "Rounding -0.01 EUR", "PAID"],
)
def test_no_amount_due_where_the_invoice_prints_a_payment_or_a_rounding(line: str) -> None:
    claim = rules.extract(INVOICE, [_HEAD + _TOTALS + line + "\n"])
    assert _claim(claim, "total_amount") is not None
    assert _claim(claim, "amount_due") is None


def test_an_amount_due_printed_is_read_under_its_own_label() -> None:
    text = _HEAD + _TOTALS + "Deposit paid 190.00 EUR\nBalance Due 1,000.00 EUR\n"
    due = _claim(rules.extract(INVOICE, [text]), "amount_due")
    assert due is not None
    assert (due.value, due.evidence.quote) == ("1000.00", "Balance Due 1,000.00 EUR")


def test_a_declared_type_shares_as_the_built_in_one_does() -> None:
    bill = utility_bill(unless_printed=("Credit",))
    shared = generic_extract(["Utility Bill\nAmount Billed: 84.20\n"], bill)
    assert {(c.field, c.value) for c in shared.fields} == {("billed", "84.20"), ("to_pay", "84.20")}
    credited = generic_extract(["Utility Bill\nAmount Billed: 84.20\nCredit: 10.00\n"], bill)
    assert {c.field for c in credited.fields} == {"billed"}
