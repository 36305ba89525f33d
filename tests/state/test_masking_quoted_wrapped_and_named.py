"""Addresses with a quoted local part or wrapped at their sign; numbers a label or a digit group names otherwise."""

from __future__ import annotations

import pytest

from claimflow.state.apply.unmask import unmask_extraction
from claimflow.state.claims import ExtractionClaim
from claimflow.state.documents import SourceText
from claimflow.state.evidence import locate
from claimflow.state.masking import mask_pages
from tests.factories import field_claim


def _masked(text: str) -> str:
    return mask_pages((text,)).pages[0]


QUOTED = [
    ('Contact: "john doe"@example.com today', "Contact: [EMAIL_1] today", '"john doe"@example.com'),
    ('"john.doe"@example.com', "[EMAIL_1]", '"john.doe"@example.com'),
    ('<"j.d"@example.co.uk>.', "<[EMAIL_1]>.", '"j.d"@example.co.uk'),
    # A quote inside, escaped by a backslash, as RFC 5322 writes it.
    (r'"john\"doe"@example.com', "[EMAIL_1]", r'"john\"doe"@example.com'),
    ('"ÓSCAR LÓPEZ"@EXAMPLE.ES', "[EMAIL_1]", '"ÓSCAR LÓPEZ"@EXAMPLE.ES'),
    # A word processor's curly quotes, and full-width ones as East Asian text prints them.
    ("Mail \u201cjohn doe\u201d@example.com", "Mail [EMAIL_1]", "\u201cjohn doe\u201d@example.com"),
    ("\uff02john doe\uff02\uff20example.com", "[EMAIL_1]", "\uff02john doe\uff02\uff20example.com"),
]


@pytest.mark.parametrize(("text", "masked", "original"), QUOTED)
def test_an_address_with_a_quoted_local_part_is_masked_quotes_and_all(text: str, masked: str, original: str) -> None:
    result = mask_pages((text,))
    assert result.pages[0] == masked
    assert [r.original for r in result.replacements] == [original]


def test_only_quotes_right_before_the_sign_make_a_local_part() -> None:
    cases = {
        # A quote opened earlier on the line does not take the text before the address.
        'Reference "A-17" and "jd"@example.com': 'Reference "A-17" and [EMAIL_1]',
        'He said "hello" to jane': 'He said "hello" to jane',
        '"Widget 2" @ EUR 5': '"Widget 2" @ EUR 5',
        # A quote never runs over a line.
        'Subject: "quarterly\nreport"@example.com': 'Subject: "quarterly\nreport"@example.com',
    }
    assert {text: _masked(text) for text in cases} == cases


WRAPPED = [
    ("accounts.payable@\nexample.com", "accounts.payable@\nexample.com"),
    ("accounts.payable\n@example.com", "accounts.payable\n@example.com"),
    ("Write to jane.doe @\n example.co.uk.", "jane.doe @\n example.co.uk"),
]


@pytest.mark.parametrize(("text", "original"), WRAPPED)
def test_an_address_wrapped_right_before_or_after_its_sign_is_masked_whole(text: str, original: str) -> None:
    result = mask_pages((text,))
    assert [r.original for r in result.replacements] == [original]
    assert result.pages[0] == text.replace(original, "[EMAIL_1]")


def test_a_line_break_at_a_sign_needs_a_local_part_with_a_letter_and_a_domain_with_a_dot() -> None:
    cases = {
        "jane\n@example.com": "[EMAIL_1]",
        "Total 180.00\n@example.com": "Total 180.00\n@example.com",  # figures above a line opening with a sign
        "Price 2 @\nEUR 5": "Price 2 @\nEUR 5",  # a single-label host needs a tight sign
        "Follow us\n@northwind": "Follow us\n@northwind",
    }
    assert {text: _masked(text) for text in cases} == cases


@pytest.mark.parametrize(
    "text",
    [
        "EAN 4 006381 333931",
        "4 006381 333931 Steel brackets",
        "Invoice No.: 4020240305000002",
        "Invoice No. 4020 2403 0500 0002",
        "Rechnungsnummer: 4020240305000002",
        "Rechnungs-Nr. 4020240305000002",
        "Bestellnr. 4111111111111111",
        "Order #4111111111111111",
        "Facture n° 4111111111111111",
        "Art.-Nr. 4111111111111111",
        "SKU: 4111111111111111",
        "GTIN 30569309025904",
    ],
)
def test_an_article_or_document_number_stays_visible_whatever_check_its_digits_pass(text: str) -> None:
    assert _masked(text) == text


def test_only_a_label_right_before_a_number_names_it_and_a_card_or_phone_number_elsewhere_is_masked() -> None:
    cases = {
        "Invoice No. 4020240305000002 paid by card 4111 1111 1111 1111": (
            "Invoice No. 4020240305000002 paid by card [CARD_1]"
        ),
        "Card No. 4111111111111111": "Card No. [CARD_1]",
        "Paid by Visa 4111111111111111 for order 17": "Paid by Visa [CARD_1] for order 17",
        "Order 17: card 4111 1111 1111 1111": "Order 17: card [CARD_1]",
        "Order: 4111 1111 1111 1111 (Visa)": "Order: [CARD_1] (Visa)",
        "Order no. 5555555555554444 MASTERCARD": "Order no. [CARD_1] MASTERCARD",
        "Invoice No. 4020240305000002 Visit us": "Invoice No. 4020240305000002 Visit us",
        "Export 4111111111111111": "Export [CARD_1]",  # "po" inside a word is no label
        "Call 0049 30 12345678": "Call [PHONE_1]",
        "Tel: 4 006381 333931": "Tel: [PHONE_1]",  # a phone label still outweighs the shape
    }
    assert {text: _masked(text) for text in cases} == cases


def test_the_phone_labels_of_other_languages_introduce_a_number_and_not_an_amount_or_a_measure() -> None:
    cases = {
        "Telf.: 912 345 678": "Telf.: [PHONE_1]",
        "Tfno. 912345678": "Tfno. [PHONE_1]",
        "Móvil: 612 345 678": "Móvil: [PHONE_1]",
        "Movil 612345678": "Movil [PHONE_1]",
        "Telefoon: 20 123 4567": "Telefoon: [PHONE_1]",
        "GSM 475 12 34 56": "GSM [PHONE_1]",
        "Cel.: 55 1234 5678": "Cel.: [PHONE_1]",
        "Celular: 55 1234 5678": "Celular: [PHONE_1]",
        "Fon: 30 1234567": "Fon: [PHONE_1]",
        "Rufnummer 30 1234567": "Rufnummer [PHONE_1]",
        "Telefonnummer: 30 1234567": "Telefonnummer: [PHONE_1]",
        "Puhelin 40 123 4567": "Puhelin [PHONE_1]",
        "Telf.:\n912 345 678": "Telf.:\n[PHONE_1]",
        "Fon 1 234,56": "Fon 1 234,56",
        "Cel 25.5": "Cel 25.5",
        "Fondo 30 1234567": "Fondo 30 1234567",
    }
    assert {text: _masked(text) for text in cases} == cases


def test_a_quote_over_a_quoted_and_a_wrapped_address_is_unmasked_and_found_where_the_source_prints_it() -> None:
    source = SourceText(pages=('Northwind\nRemit to ar-team@\nnorthwind.example or "john doe"@northwind.example\n',))
    masked = mask_pages(source.pages)
    assert masked.pages[0] == "Northwind\nRemit to [EMAIL_1] or [EMAIL_2]\n"
    quote = "Remit to [EMAIL_1] or [EMAIL_2]"
    start = masked.pages[0].index(quote)
    claim = ExtractionClaim(
        fields=[field_claim("vendor_address", "[EMAIL_2]", quote, page=1, start=start, end=start + len(quote))]
    )
    unmasked, used = unmask_extraction(claim, SourceText(pages=masked.pages), masked.replacements)
    assert used == ["[EMAIL_1]", "[EMAIL_2]"]
    [field] = unmasked.fields
    assert field.value == '"john doe"@northwind.example'
    found = locate(field.evidence, source)
    assert found.evidence is not None, found.reason
    assert source.pages[0][found.evidence.start : found.evidence.end] == (
        'Remit to ar-team@\nnorthwind.example or "john doe"@northwind.example'
    )
