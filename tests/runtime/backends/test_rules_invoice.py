import pytest
from _rules_docs import INVOICE_DE, INVOICE_EN, INVOICE_FR

from claimflow.doctypes import INVOICE
from claimflow.runtime.backends import rules
from claimflow.state.claims import ExtractionClaim


def values(claim: ExtractionClaim) -> dict[str, str]:
    return {f.field: f.value for f in claim.fields}


def confidence(claim: ExtractionClaim, name: str) -> float:
    return next(f.confidence for f in claim.fields if f.field == name)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            INVOICE_EN,
            {
                "vendor_name": "Northwind Widgets Ltd", "invoice_number": "NW-2024-0117",
                "issue_date": "2024-03-05", "due_date": "2024-04-04", "currency": "GBP",
                "net_amount": "150.00", "tax_amount": "30.00", "total_amount": "180.00", "amount_due": "180.00",
                "buyer_name": "Fabrikam Retail", "vendor_tax_id": "GB999888877",
                "invoice_type": "commercial_invoice", "invoice_type_code": "380",
            },
        ),
        (
            INVOICE_DE,
            {
                "vendor_name": "Bergmann Werkzeuge GmbH", "invoice_number": "RE-88/2023",
                "issue_date": "2023-11-14", "due_date": "2023-11-28", "currency": "EUR",
                "net_amount": "1108.70", "tax_amount": "210.65", "total_amount": "1319.35", "amount_due": "1319.35",
                "buyer_name": "Fischer & Söhne KG", "vendor_tax_id": "DE999888777",
                "invoice_type": "commercial_invoice", "invoice_type_code": "380",
            },
        ),
        (
            INVOICE_FR,
            {
                "vendor_name": "Atelier Dupont SARL", "invoice_number": "F-2022-0456",
                "issue_date": "2022-02-15", "due_date": "2022-03-17", "currency": "EUR",
                "net_amount": "400.00", "tax_amount": "80.00", "total_amount": "480.00", "amount_due": "480.00",
                "buyer_name": "Maison Martin",
                "invoice_type": "commercial_invoice", "invoice_type_code": "380",
            },
        ),
    ],
)  # fmt: skip
def test_reads_invoices_in_several_languages(text: str, expected: dict[str, str]) -> None:
    assert values(rules.extract(INVOICE, [text])) == expected


def test_amounts_that_add_up_are_auto_accepted() -> None:
    claim = rules.extract(INVOICE, [INVOICE_DE])
    for name in ("net_amount", "tax_amount", "total_amount"):
        assert confidence(claim, name) >= 0.8


def test_total_without_arithmetic_stays_below_auto_accept() -> None:
    text = "Invoice\nInvoice No: 5\nTotal: 99.10 EUR\n"
    claim = rules.extract(INVOICE, [text])
    assert values(claim)["total_amount"] == "99.10"
    assert confidence(claim, "total_amount") < 0.8
    assert "net_amount" not in values(claim)


def test_arithmetic_picks_the_tax_among_amounts_on_one_line() -> None:
    text = "Rechnung Nr. 4711\nNettobetrag 376,37\n19,00% MwSt.: 376,37 71,51 447,88\nSumme gesamt 447,88\n"
    got = values(rules.extract(INVOICE, [text]))
    assert (got["net_amount"], got["tax_amount"], got["total_amount"]) == ("376.37", "71.51", "447.88")


def test_us_number_format_and_month_first_dates() -> None:
    text = (
        "INVOICE\nInvoice #: 2291\nInvoice Date: 03/14/2024\nDue Date: 04/13/2024\n"
        "Subtotal USD 1,250.00\nSales Tax USD 100.00\nTotal Due USD 1,350.00\n"
    )
    got = values(rules.extract(INVOICE, [text]))
    assert got["issue_date"] == "2024-03-14"
    assert got["due_date"] == "2024-04-13"
    assert got["total_amount"] == "1350.00"
    assert got["currency"] == "USD"


def test_ambiguous_date_is_not_auto_accepted() -> None:
    text = "INVOICE\nInvoice No: 9\nInvoice Date: 03/04/2024\nTotal 10.00\n"
    claim = rules.extract(INVOICE, [text])
    assert confidence(claim, "issue_date") < 0.8


def test_due_date_before_issue_date_is_doubted() -> None:
    text = "INVOICE\nInvoice No: 9\nInvoice Date: 20.05.2024\nDue date: 10.05.2024\nTotal 10,00\n"
    claim = rules.extract(INVOICE, [text])
    assert confidence(claim, "due_date") < 0.5


def test_date_of_a_referenced_invoice_is_not_the_issue_date() -> None:
    text = "FACTURE\nDate de facture associée : 01/01/2022\nDate de facture : 31/01/2022\nTotal TTC 10,00 €\n"
    assert values(rules.extract(INVOICE, [text]))["issue_date"] == "2022-01-31"


def test_company_suffix_is_not_read_as_a_currency() -> None:
    # "Bhd" is also the code of the Bahraini dinar; it prices nothing here.
    text = "Invoice\nSinar Jaya Sdn Bhd\nInvoice No: 12\nTotal 50.00\n"
    assert "currency" not in values(rules.extract(INVOICE, [text]))


def test_leaves_out_what_the_document_does_not_state() -> None:
    got = values(rules.extract(INVOICE, ["Invoice\nThank you for your business.\n"]))
    assert got == {"invoice_type": "commercial_invoice", "invoice_type_code": "380"}  # its title says only that


@pytest.mark.parametrize("written", ["-£{}", "(£{})", "\u2212£{}"])
def test_a_credit_notes_sums_are_read_negative(written: str) -> None:
    # A minus or bracket before the currency: read as positive, the credit would be a charge.
    text = INVOICE_EN.replace("INVOICE", "CREDIT NOTE")
    for amount in ("150.00", "30.00", "180.00"):
        text = text.replace(f"£{amount}", written.format(amount))
    claim = rules.extract(INVOICE, [text])
    assert {name: values(claim)[name] for name in ("net_amount", "tax_amount", "total_amount")} == {
        "net_amount": "-150.00", "tax_amount": "-30.00", "total_amount": "-180.00",
    }  # fmt: skip
    assert confidence(claim, "total_amount") >= 0.9


@pytest.mark.parametrize(("gap", "sign"), [("    ", "-"), ("\t", "-"), (": ", "-"), (" ", "")])
def test_a_minus_a_space_before_the_currency_is_the_sign_unless_it_follows_the_label(gap: str, sign: str) -> None:
    # In its own column the minus is the sum's sign; after a label and one space (`Total - £180.00`) a separator.
    text = INVOICE_EN
    for amount in ("150.00", "30.00", "180.00"):
        text = text.replace(f" £{amount}", f"{gap}- £{amount}")
    got = values(rules.extract(INVOICE, [text]))
    assert {name: got[name] for name in ("net_amount", "tax_amount", "total_amount")} == {
        "net_amount": f"{sign}150.00", "tax_amount": f"{sign}30.00", "total_amount": f"{sign}180.00",
    }  # fmt: skip


def test_a_total_of_the_other_sign_is_no_sum() -> None:
    text = INVOICE_EN.replace("Total £180.00", "Total -£180.00")
    assert values(rules.extract(INVOICE, [text])).get("total_amount") != "180.00"


def test_an_invoice_written_with_no_break_spaces_reads_as_with_spaces() -> None:
    # PDF text layers and French text put no-break spaces between a label and its value.
    with_spaces = values(rules.extract(INVOICE, [INVOICE_EN]))
    assert values(rules.extract(INVOICE, [INVOICE_EN.replace(" ", "\u00a0")]))["invoice_number"] == "NW-2024-0117"
    assert with_spaces["invoice_number"] == "NW-2024-0117"


def test_a_total_printed_with_more_digits_than_an_amount_has_is_not_read_and_nothing_fails() -> None:
    text = INVOICE_EN.replace("180.00", "123456789012345678901234567")
    assert "123456789012345678901234567" in text
    claim = rules.extract_invoice([text], INVOICE)
    assert "total_amount" not in values(claim)
