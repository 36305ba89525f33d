"""Till slips titled "Tax Invoice" are receipts; short invoices with terms stay invoices (synthetic texts)."""

from claimflow.doctypes import BUILTIN_TYPES
from claimflow.runtime.backends import rules

DELIVERY_SLIP = """FRESH LOAF BAKERY SDN BHD (123456-A)
LOT 7, JALAN INDUSTRI 2,
40000 SHAH ALAM
TAX INVOICE / CREDIT ADJUSTMENT
CASH INV NO.: 55A12
DATE: 12/03/2018 09:41
DESCRIPTION UNITS AMT(RM)
WHITE LOAF 5 12.50
BUNS 10 9.00
TOTAL 0% SUPPLIES: 21.50
TOTAL 6% SUPPLIES (INC. GST): 0.00
TOTAL PAYABLE: 21.50
CUSTOMER'S COPY
"""

SHORT_INVOICE = """TAX INVOICE
Bright Signs Ltd
4 Quay Street, Leeds LS1 4AB
Bill To: Harbour Cafe
Invoice No: BS-0042
Date: 12/03/2018
Due Date: 11/04/2018
Shop sign 1 250.00
Installation 1 80.00
Subtotal 330.00
VAT 20% 66.00
Total 396.00
Payment terms: 30 days
"""

CASH_SLIP = """MINI MART 24
NO 2, JALAN SATU
INVOICE
15/06/2019 21:03
BREAD 3.50
MILK 6.20
EGGS 8.90
TOTAL 18.60
CASH 20.00
CHANGE 1.40
"""


def test_tax_invoice_titled_till_slip_is_a_receipt() -> None:
    claim = rules.classify([DELIVERY_SLIP], BUILTIN_TYPES)
    assert claim.doc_type == "receipt"
    assert 0.7 <= claim.confidence <= 0.85  # it calls itself an invoice: not more than fairly sure


def test_invoice_titled_cash_slip_is_a_receipt() -> None:
    assert rules.classify([CASH_SLIP], BUILTIN_TYPES).doc_type == "receipt"


def test_short_invoice_with_due_date_and_bill_to_stays_an_invoice() -> None:
    claim = rules.classify([SHORT_INVOICE], BUILTIN_TYPES)
    assert claim.doc_type == "invoice"


def test_short_invoice_paid_in_cash_with_terms_is_not_called_a_receipt() -> None:
    text = SHORT_INVOICE.replace("Payment terms: 30 days", "Paid by cash 396.00")
    assert rules.classify([text], BUILTIN_TYPES).doc_type != "receipt"
