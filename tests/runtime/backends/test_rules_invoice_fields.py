"""Invoice number, seller, currency and totals in layouts beyond "Label: value". Texts written for these tests."""

import pytest

from claimflow.doctypes import INVOICE
from claimflow.runtime.backends import rules
from claimflow.state.claims import ExtractionClaim


def field(claim: ExtractionClaim, name: str) -> tuple[str, float] | None:
    return next(((f.value, f.confidence) for f in claim.fields if f.field == name), None)


def extract(text: str) -> ExtractionClaim:
    return rules.extract(INVOICE, [text])


def test_order_number_is_not_the_invoice_number() -> None:
    text = "INVOICE\nOrder No: PO-7781\nBestellnummer: 4400123\nInvoice No: INV-3302\nTotal 10.00\n"
    assert field(extract(text), "invoice_number") == ("INV-3302", 0.9)
    assert field(extract("INVOICE\nOrder No: PO-7781\nTotal 10.00\n"), "invoice_number") is None


def test_words_between_number_and_date_leave_the_number_in_doubt() -> None:
    got = field(extract("Abschlagsrechnung Nr. 5120 Bauabschnitt B vom 12.05.2025\nSumme 10,00\n"), "invoice_number")
    assert got is not None and got[0] == "5120" and got[1] < 0.8
    plain = field(extract("Rechnung Nr. 5120 vom 12.05.2025\nSumme 10,00\n"), "invoice_number")
    assert plain == ("5120", 0.9)


def test_currency_printed_after_an_amount_label() -> None:
    text = "Invoice No: 12\nSubtotal 100.00\nVAT 19% 19.00\nTotal € incl. VAT 119.00\n"
    assert field(extract(text), "currency") is not None
    columns = "Rechnung Nr. 12\nBeträge Netto EUR MwSt. EUR Brutto EUR\n19% MwSt.: 100,00 19,00 119,00\n"
    assert field(extract(columns), "currency") == ("EUR", 0.88)


def test_company_suffix_after_a_label_word_is_still_no_currency() -> None:
    assert field(extract("Invoice\nTotal Bhd Sdn\nInvoice No: 12\nTotal 50.00\n"), "currency") is None


def test_recipient_under_a_sender_line_is_not_the_seller() -> None:
    text = (
        "Kestrel Tools Ltd. · 9 Mill Lane · LS1 4AB Leeds\n"
        "Harbor Foods Inc.\n"
        "12 Pier Road\n"
        "Rechnungsnummer: KT-2024-118\n"
        "Gesamtbetrag Brutto 10,00 €\n"
    )
    got = field(extract(text), "vendor_name")
    assert got is not None and got[0] == "Kestrel Tools Ltd."


def test_goods_sum_is_the_net_amount_when_no_tax_is_charged() -> None:
    text = "Rechnung\nBelegnummer R-77\nSumme Waren 49,50\nRechnungssumme 49,50\nGemäß § 19 UStG keine Umsatzsteuer.\n"
    claim = extract(text)
    total = field(claim, "total_amount")
    assert total is not None and total[0] == "49.50"
    net = field(claim, "net_amount")
    assert net is not None and net[0] == "49.50" and net[1] < 0.8


@pytest.mark.parametrize(
    ("line", "number"),
    [
        ("Invoice Number: -12.50", "-12.50"),
        ("Invoice Number: #4711", "4711"),
        ("Invoice Number - 4711", "4711"),
    ],
)
def test_the_invoice_number_is_claimed_as_printed_with_its_sign(line: str, number: str) -> None:
    text = f"Vendor: Contoso Ltd\nINVOICE\n{line}\nInvoice Date: 2024-03-01\nTotal: 238.00 EUR\n"
    assert field(extract(text), "invoice_number") == (number, 0.9)
