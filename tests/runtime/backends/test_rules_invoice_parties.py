"""An invoice's buyer, seller's VAT id, order number and IBAN, read offline. Texts written for these tests."""

from claimflow.doctypes import INVOICE
from claimflow.runtime.backends import rules
from claimflow.runtime.backends.rules._lines import split_lines
from claimflow.runtime.backends.rules._vendor import invoice_vendor
from claimflow.state.claims import ExtractionClaim
from claimflow.state.masking import mask_pages


def field(claim: ExtractionClaim, name: str) -> list[tuple[str, float]]:
    return [(f.value, f.confidence) for f in claim.fields if f.field == name]


def extract(text: str) -> ExtractionClaim:
    return rules.extract(INVOICE, [text])


def test_a_name_line_in_the_buyers_block_is_the_buyer() -> None:
    text = (
        "Rechnung\nVerkäufer\nName: Hansen Metall GmbH\nUSt-IdNr.: DE811223344\n"
        "Käufer/Leistungsempfänger\nNummer: 4411\nName: Becker Bau AG\nAnschrift: Ringstraße 4\n"
        "Rechnungsnummer: R-7\nGesamtbetrag brutto 119,00\n"
    )
    assert field(extract(text), "buyer_name") == [("Becker Bau AG", 0.88)]


def test_a_name_after_the_billed_to_heading_is_the_buyer() -> None:
    assert field(extract("INVOICE\nBill to: Orchard Foods Ltd\nInvoice No: 9\nTotal 20.00\n"), "buyer_name") == [
        ("Orchard Foods Ltd", 0.85)
    ]


def test_a_name_right_under_a_lone_heading_is_the_buyer_and_one_further_down_goes_to_review() -> None:
    under = field(extract("INVOICE\nBill to:\nOrchard Foods\n1 Mill Lane\nTotal 20.00\n"), "buyer_name")
    assert under == [("Orchard Foods", 0.82)]
    below_number = "INVOICE\nBill to\nC-3381\nOrchard Foods\n1 Mill Lane\nTotal 20.00\n"
    assert field(extract(below_number), "buyer_name") == [("Orchard Foods", 0.65)]
    with_form = "INVOICE\nBill to\nC-3381\nOrchard Foods Ltd\n1 Mill Lane\nTotal 20.00\n"
    assert field(extract(with_form), "buyer_name") == [("Orchard Foods Ltd", 0.78)]


def test_a_delivery_address_is_not_the_buyer() -> None:
    text = "INVOICE\nShip to\nWarehouse Partners Ltd\n2 Dock Road\nInvoice No: 9\nTotal 20.00\n"
    assert field(extract(text), "buyer_name") == []


def test_the_addressee_under_a_sender_line_is_the_buyer_when_an_address_follows() -> None:
    text = "Acme GmbH · Hauptstr. 1 · 10115 Berlin\nOrchard Foods\nMill Lane 1\nRECHNUNG\nSumme 10,00\n"
    assert field(extract(text), "buyer_name") == [("Orchard Foods", 0.8)]
    # No address under the name: a department, a note, anything; a guess for review.
    assert field(extract("Acme GmbH · Hauptstr. 1 · 10115 Berlin\nOrchard Foods\nRECHNUNG\n"), "buyer_name") == [
        ("Orchard Foods", 0.6)
    ]
    # The sender's own street, or its own name (a letterhead), under its sender line is no buyer.
    assert field(extract("Acme GmbH · Hauptstr. 1 · 10115 Berlin\nHauptstr. 1\nRECHNUNG\n"), "buyer_name") == []
    assert field(extract("Acme GmbH · Hauptstr. 1 · 10115 Berlin\nAcme GmbH\nHauptstr. 1\n"), "buyer_name") == []
    # A heading that names the buyer wins over the guess.
    headed = "Acme GmbH · Hauptstr. 1 · 10115 Berlin\nOrchard Foods\nMill Lane 1\nBill to: Pear Tree Ltd\n"
    assert field(extract(headed), "buyer_name") == [("Pear Tree Ltd", 0.85)]


def test_two_buyers_named_go_to_review_with_both() -> None:
    text = "INVOICE\nBill to: Orchard Foods Ltd\nInvoice No: 9\nCustomer: Pear Tree Ltd\nTotal 20.00\n"
    assert sorted(field(extract(text), "buyer_name")) == [("Orchard Foods Ltd", 0.4), ("Pear Tree Ltd", 0.4)]


def test_the_sellers_vat_id_is_claimed_compact_and_the_buyers_is_not() -> None:
    text = (
        "INVOICE\nInvoice No: 9\nCustomer VAT ID: DE987654321\nUSt-IdNr. Kunde: IE9876543W\n"
        "Total 20.00\nSeller Company Ltd\nVAT Reg. No. GB 123 4567 89\n"
    )
    assert field(extract(text), "vendor_tax_id") == [("GB123456789", 0.86)]


def test_a_vat_id_in_the_sellers_block_is_surer_than_one_in_a_footer() -> None:
    text = "Rechnung\nVerkäufer\nName: Hansen Metall GmbH\nUSt.-Id.-Nr.: DE811223344\nKäufer\nName: Becker Bau AG\n"
    assert field(extract(text), "vendor_tax_id") == [("DE811223344", 0.86)]
    in_buyer_block = "Rechnung\nKäufer\nName: Becker Bau AG\nUSt-IdNr.: DE811223344\n"
    assert field(extract(in_buyer_block), "vendor_tax_id") == []


def test_several_vat_ids_on_the_sellers_side_go_to_review() -> None:
    text = "FACTURE\nN° TVA : FR 11 123 456 782\nTotal TTC 120,00\nTVA intracommunautaire : FR32123456789\n"
    assert sorted(field(extract(text), "vendor_tax_id")) == [("FR11123456782", 0.4), ("FR32123456789", 0.4)]


def test_a_vat_id_under_its_label_in_a_heading_row_is_the_token_in_the_labels_column() -> None:
    # Registration details printed as a small table: the columns part the values, so "999" is no part of the id.
    table = (
        "Invoice 103767\nVAT Registration No. Home Page Phone No. Email\n"
        "DE777777777 999 / 9 99 99 99 info@example.com\nTotal 681.87\n"
    )
    assert field(extract(table), "vendor_tax_id") == [("DE777777777", 0.86)]
    footer = (
        "Rechnung 471102\nSumme 1.005,55\nKraxi GmbH Sitz der Gesellschaft USt-IdNr Postbank München\n"
        "GF Paul Kraxi München HRB 999999 DE123456789 IBAN DE28700100809999999999\n"
    )
    assert field(extract(footer), "vendor_tax_id") == [("DE123456789", 0.86)]


def test_a_vat_id_not_under_the_label_or_under_a_labelled_value_or_the_buyers_is_not_read_from_the_row_below() -> None:
    elsewhere = "Invoice 7\nVAT Registration No. Phone No.\n+49 30 1234567 DE777777777\nTotal 10.00\n"
    assert field(extract(elsewhere), "vendor_tax_id") == []
    own_value = "Invoice 7\nVAT No.: GB123456789 Phone No.\nDE777777777 030 1234567\nTotal 10.00\n"
    assert field(extract(own_value), "vendor_tax_id") == [("GB123456789", 0.86)]
    buyers = "Invoice 7\nCustomer VAT ID Customer No.\nDE987654321 4411\nTotal 10.00\n"
    assert field(extract(buyers), "vendor_tax_id") == []


def test_a_tax_number_counts_only_where_no_vat_id_is_printed() -> None:
    small = "Rechnung\nVerkäufer\nName: Klein Gartenbau\nSteuernummer: 201/113/40209\nSumme 50,00\n"
    assert field(extract(small), "vendor_tax_id") == [("201/113/40209", 0.8)]
    unplaced = "Rechnung\nKlein Gartenbau\nSteuernummer: 201/113/40209\nSumme 50,00\n"
    assert field(extract(unplaced), "vendor_tax_id") == [("201/113/40209", 0.7)]
    both = "Rechnung\nSteuernummer: 201/113/40209\nUSt-IdNr.: DE811223344\nSumme 50,00\n"
    assert field(extract(both), "vendor_tax_id") == [("DE811223344", 0.86)]


def test_a_label_word_inside_a_hyphened_code_does_not_cut_the_order_number() -> None:
    # "BUYER" is a label of the buyer's name; inside "PO-BUYER-7788" it labels nothing.
    text = "Rechnung\nBestellnummer: PO-BUYER-7788\nRechnungsnummer: R-7\nSumme 10,00\n"
    assert field(extract(text), "order_number") == [("PO-BUYER-7788", 0.85)]
    assert field(extract("INVOICE\nPurchase Order No.: 4500012345\nTotal 10.00\n"), "order_number") == [
        ("4500012345", 0.85)
    ]


def test_the_iban_is_read_behind_its_label_in_the_masked_text() -> None:
    # Extractors see IBANs masked; apply gives the claim its original back (tests/cli/test_run_invoice_parties.py).
    text = "INVOICE\nInvoice No: 9\nTotal 20.00\nIBAN: DE89 3704 0044 0532 0130 00 BIC: COBADEFFXXX\n"
    assert field(extract(mask_pages((text,)).pages[0]), "iban") == [("[IBAN_1]", 0.86)]
    under = "INVOICE\nTotal 20.00\nIBAN:\nDE89 3704 0044 0532 0130 00\n"
    assert field(extract(mask_pages((under,)).pages[0]), "iban") == [("[IBAN_1]", 0.82)]
    unlabelled = "INVOICE\nTotal 20.00\nPay into DE89 3704 0044 0532 0130 00\n"
    assert field(extract(mask_pages((unlabelled,)).pages[0]), "iban") == [("[IBAN_1]", 0.7)]


def test_the_buyers_iban_is_not_the_one_to_pay_into() -> None:
    text = "RECHNUNG\nSumme 20,00\nWir buchen von Ihrer IBAN DE89 3704 0044 0532 0130 00 ab.\n"
    assert field(extract(mask_pages((text,)).pages[0]), "iban") == []


def test_two_ibans_go_to_review() -> None:
    text = "INVOICE\nIBAN: DE89 3704 0044 0532 0130 00\nIBAN: GB29 NWBK 6016 1331 9268 19\n"
    assert sorted(field(extract(mask_pages((text,)).pages[0]), "iban")) == [("[IBAN_1]", 0.4), ("[IBAN_2]", 0.4)]


def test_the_title_says_the_kind_of_invoice_and_its_code() -> None:
    assert field(extract("INVOICE\nInvoice No: 9\nTotal 20.00\n"), "invoice_type") == [("commercial_invoice", 0.85)]
    credit = extract("Gutschrift Nr. 42\nzur Rechnung Nr. 17\nSumme 20,00\n")
    assert (field(credit, "invoice_type"), field(credit, "invoice_type_code")) == (
        [("credit_note", 0.85)], [("381", 0.85)]
    )  # fmt: skip
    # The longest name on a line wins: a progress invoice is no plain invoice.
    assert field(extract("Abschlagsrechnung Nr. 7\nSumme 20,00\n"), "invoice_type") == [
        ("partial_construction_invoice", 0.85)
    ]


def test_a_code_printed_beside_the_title_says_the_kind() -> None:
    claim = extract("Teilrechnung Bau (875) Nr. 210112 vom 06.06.2025\nSumme 20,00\n")
    assert (field(claim, "invoice_type"), field(claim, "invoice_type_code")) == (
        [("partial_construction_invoice", 0.85)], [("875", 0.85)]
    )  # fmt: skip
    # "Teilrechnung" names a partial invoice (326); the code says a kind whose names the line does not print.
    other = extract("Teilrechnung (875) Nr. 210112\nSumme 20,00\n")
    assert (field(other, "invoice_type"), field(other, "invoice_type_code")) == ([], [("875", 0.85)])


def test_a_label_is_no_title_and_titles_of_two_kinds_go_to_review() -> None:
    assert field(extract("Invoice No.: 7\nInvoice Date: 12.03.2024\nTotal 20.00\n"), "invoice_type") == []
    both = extract("CREDIT NOTE\nINVOICE\nTotal 20.00\n")
    assert sorted(field(both, "invoice_type")) == [("commercial_invoice", 0.4), ("credit_note", 0.4)]


def test_what_is_still_due_is_read_by_its_label() -> None:
    claim = extract("Rechnung\nGesamtbetrag brutto 20.291,50\nAnzahlung 5.000,00\nZahlbetrag 15.291,50\n")
    assert field(claim, "amount_due") == [("15291.50", 0.85)]
    assert field(claim, "total_amount")[0][0] == "20291.50"


BILLED_ONLY = (
    "INVOICE\nInvoice Number: X-77\nInvoice Date: 2024-03-01\nBill to: Fabrikam Inc\nNet: 200.00 EUR\n"
    "VAT: 38.00 EUR\nTotal: 238.00 EUR\n"
)


def test_the_buyers_heading_line_is_never_read_as_the_seller() -> None:
    assert invoice_vendor(split_lines([BILLED_ONLY])) is None
    assert field(extract(BILLED_ONLY), "vendor_name") == []
    assert field(extract(BILLED_ONLY), "buyer_name") == [("Fabrikam Inc", 0.85)]
