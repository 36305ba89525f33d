"""Which forms of personal data masking covers, one kind at a time, and what it leaves for extraction."""

from __future__ import annotations

import pytest

from claimflow.state.apply.unmask import unmask_extraction
from claimflow.state.claims import ExtractionClaim
from claimflow.state.documents import SourceText
from claimflow.state.evidence import locate
from claimflow.state.masking import mask_pages
from tests.factories import field_claim

EMAILS = [
    "user@localhost",
    "root@[192.168.0.1]",
    "admin@mailhost",
    "jane(at)example.org",
    "jane[at]example.org",
    "jane [at] example [dot] org",
    "JANE(AT)EXAMPLE.ORG",
    "info{at}firma.de",
    "jane at example dot com",
    "jane dot doe at example dot com",
    "jane (dot) doe (at) example (dot) com",
    "jane.doe\uff20example.com",
    "jane @ example.com",
    "o'brien@example.com",
]
IBANS = [
    "de89 3704 0044 0532 0130 00",
    "DE89-3704-0044-0532-0130-00",
    "DE89  3704  0044  0532  0130  00",
    "gb29nwbk60161331926819",
    "Gb29 Nwbk 6016 1331 9268 19",
    "fr14-2004-1010-0505-0001-3m02-606",
]
PHONES = [
    "555-123-4567",
    "555.123.4567",
    "(555) 123-4567",
    "1-800-555-0199",
    "030 1234567",
    "030/1234567",
    "(030) 1234567",
    "07946 095800",
    "020 7946 0958",
    "01 23 45 67 89",
    "03-7890 1234",
    "0049 30 1234567",
    "(+49) 30 1234 5678",
    "(+44) 20 7946 0958",
    "(0049) 30 1234 5678",
]
CARDS = [
    "4111.1111.1111.1111",
    "4111  1111  1111  1111",
    "3782.822463.10005",
    "5555.5555.5555.4444",
]


def _masked(text: str) -> str:
    return mask_pages((text,)).pages[0]


@pytest.mark.parametrize(
    ("kind", "value"),
    [("EMAIL", v) for v in EMAILS] + [("IBAN", v) for v in IBANS] + [("PHONE", v) for v in PHONES]
    + [("CARD", v) for v in CARDS],
)  # fmt: skip
def test_each_form_is_masked_whole(kind: str, value: str) -> None:
    assert _masked(f"Contact {value} today") == f"Contact [{kind}_1] today"


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("call +49 30 1234 5678.", "call [PHONE_1]."),
        ("Tel: 030 1234 5678.", "Tel: [PHONE_1]."),
        ("Fax +44 20 7946 0958.", "Fax [PHONE_1]."),
        ("Card 4111.1111.1111.1111.", "Card [CARD_1]."),
    ],
)
def test_a_full_stop_after_a_value_does_not_cut_its_last_group(text: str, masked: str) -> None:
    assert _masked(text) == masked


def test_a_second_value_right_after_the_first_is_masked_too() -> None:
    masked = _masked(
        "IBAN DE89 3704 0044 0532 0130 00 GB29 NWBK 6016 1331 9268 19\nCards 4111 1111 1111 1111 5555 5555 5555 4444"
    )
    assert masked == "IBAN [IBAN_1] [IBAN_2]\nCards [CARD_1] [CARD_2]"


def test_an_iban_wrapped_over_two_lines_is_masked_whole() -> None:
    assert (
        _masked("Bank IBAN\nDE89 3704 0044 0532 \n0130 00\nBIC COBADEFFXXX") == "Bank IBAN\n[IBAN_1]\nBIC COBADEFFXXX"
    )


PAGE = (
    "INVOICE RE20240117001\n"
    "Invoice No.: INV-2024-0117   Order 1000000000000008   Ref 0815/2024\n"
    "Invoice Date: 01.02.2024   Due Date: 2024-03-02   Delivered 01-02-2024 10:30\n"
    "Seller: Northwind GmbH, VAT DE123456789, SIREN 987 654 321, Ref 12 345 678\n"
    "Tel: 030 1234567 12.03.2024\n"
    "Pos 0010 Widget 10 x 18.00 = 180.00\n"
    "Article 4006381333931 2 x 1.234,56 = 2.469,12\n"
    "Subtotal 1 234,56 EUR   VAT 19 % 234,57 EUR   Total 1.469,13 EUR\n"
    "Receipt 26/06/18 22:40 45107 02 9577 659\n"
)
VISIBLE = [
    "RE20240117001", "INV-2024-0117", "1000000000000008", "0815/2024", "01.02.2024", "2024-03-02", "01-02-2024 10:30",
    "DE123456789", "987 654 321", "12 345 678", "12.03.2024", "0010", "10 x 18.00 = 180.00", "4006381333931",
    "2 x 1.234,56 = 2.469,12", "1 234,56 EUR", "19 %", "234,57 EUR", "1.469,13 EUR", "45107 02 9577 659",
]  # fmt: skip


def test_what_extraction_needs_stays_visible() -> None:
    masked = _masked(PAGE)
    assert [value for value in VISIBLE if value not in masked] == []
    # The one phone number on the page is all that was masked.
    assert masked == PAGE.replace("030 1234567", "[PHONE_1]")


def test_a_claim_quoting_placeholders_gets_its_originals_back_and_passes_the_evidence_check() -> None:
    source = SourceText(pages=("Northwind\nContact: jane(at)example.org, 555-123-4567.\nTotal 180.00 GBP\n",))
    masked = mask_pages(source.pages)
    page = masked.pages[0]
    assert page == "Northwind\nContact: [EMAIL_1], [PHONE_1].\nTotal 180.00 GBP\n"
    quote = "Contact: [EMAIL_1], [PHONE_1]."
    start = page.index(quote)
    claim = ExtractionClaim(
        fields=[field_claim("vendor_address", "[PHONE_1]", quote, page=1, start=start, end=start + len(quote))]
    )
    unmasked, used = unmask_extraction(claim, SourceText(pages=masked.pages), masked.replacements)
    assert used == ["[EMAIL_1]", "[PHONE_1]"]
    field = unmasked.fields[0]
    assert field.value == "555-123-4567"
    assert field.evidence.quote == "Contact: jane(at)example.org, 555-123-4567."
    found = locate(field.evidence, source)
    assert found.evidence is not None, found.reason
    assert (found.evidence.start, found.evidence.end) == (10, 10 + len(field.evidence.quote))


# The README's table, example by example: each "masked" one alone and inside a sentence, each "left visible" one
# as it is.
README_MASKED = [
    ("EMAIL", "jane.doe@example.com"), ("EMAIL", "root@localhost"), ("EMAIL", "admin@mailhost"),
    ("EMAIL", "user@192.168.0.1"), ("EMAIL", "jane(at)example.org"), ("EMAIL", "JANE(AT)EXAMPLE.ORG"),
    ("EMAIL", "jane [at] example [dot] org"), ("EMAIL", "jane at example dot com"),
    ("EMAIL", "JANE AT EXAMPLE DOT COM"), ("EMAIL", "jane dot doe at example dot com"),
    ("EMAIL", "jane.doe\uff20example.com"), ("EMAIL", '"john doe"@example.com'), ("EMAIL", '"john.doe"@example.com'),
    ("IBAN", "de89-3704-0044-0532-0130-00"), ("IBAN", "DE89370400440532013000"), ("IBAN", "de89370400440532013000"),
    ("IBAN", "DE89 3704 0044\n0532 0130 00"), ("IBAN", "DE89 3704 0044 0532 0130 01"),
    ("IBAN", "DE89370400440532013001"),
    ("CARD", "4111.1111.1111.1111"), ("CARD", "4111111111111111"), ("CARD", "4111-1111-1111-1111"),
    ("CARD", "5555555555554444"), ("CARD", "2223000048400011"), ("CARD", "378282246310005"),
    ("CARD", "30569309025904"), ("CARD", "3530111333300000"), ("CARD", "6011111111111117"),
    ("CARD", "6200000000000005"), ("CARD", "6759649826438453"), ("CARD", "2200000000000004"),
    ("PHONE", "+49 30 1234 5678"), ("PHONE", "+1 (555) 123-4567"), ("PHONE", "+49 (0)30 1234-5678"),
    ("PHONE", "0049-30-12345678"), ("PHONE", "555-123-4567"), ("PHONE", "555.123.4567"),
    ("PHONE", "(555) 123-4567"), ("PHONE", "555 123-4567"), ("PHONE", "1-800-555-0199"),
    ("PHONE", "1 555 123 4567"), ("PHONE", "030 1234567"), ("PHONE", "030/1234567"), ("PHONE", "07946 095800"),
    ("PHONE", "020 7946 0958"), ("PHONE", "01 23 45 67 89"), ("PHONE", "03-7890 1234"),
    ("CARD", "4111 11** **** 1111"), ("CARD", "XXXX XXXX XXXX 1234"), ("CARD", "************4444"),
    ("CARD", "3782 XXXXXX X0005"), ("CARD", " ".join(["\u2022" * 4] * 3) + " 4242"),
    ("NATIONAL_ID", "123-45-6789"), ("NATIONAL_ID", "AB 12 34 56 C"),
    ("EMAIL", "jane . doe @ example . com"), ("EMAIL", "jane.doe  @  example.com"), ("CARD", "**** 1234"),
    ("CARD", "XXXX1234"), ("CARD", "\u2022\u2022\u2022\u2022 4242"), ("PHONE", "+44 20 7946 0958 ext. 12"),
]  # fmt: skip
README_VISIBLE = [
    "visit us at www.example.com", "2 @ EUR 5", "eCl@ss", "DE123456789", "RE20240117001", "4006381333931",
    "4111 1111 1111 1112", "1000000000000008", "01.02.2024", "01-02-2024 10:30", "10:30", "1 234,56", "12 345 678",
    "0815/2024", "INV-2024-0117", "02 2024 0117", "DE 123 456 789", "FR 05 987 654 321", "0010 0020 0030",
    "555 123 4567", "1234 5678", "4 006381 333931", "Invoice No. 4020240305000002",
    "**** **** **** ****", "*** 1234", "XXXX12345", "Ref XXXX-1234", "DE89 **** **** **** 3000 00",
    "**** **** **** 1234 5678", "9111 11** **** 1111", "Paid @ shop . Thank you", "v1 . 2 . 3 @ build 7",
    "SSN: 666-12-3456", "BSN: 123456789", "DNI 12345678A", "QQ 12 34 56 C", "GB 12 34 56 C", "123 45 6789",
    "123456789", "Invoice No. 123-45-6789", "INV-123-45-6789", "123-45-6789-1", "AB123456C",
    "Steuernummer 86095742719", "St.-Nr. 12/345/67890", "NIF: 12345678Z",
]  # fmt: skip
# Behind a phone label, any number of 5 to 16 digits is masked, the look-alikes above included; amounts, times
# and a tax id with its country code are not a label's number.
README_LABELLED = [
    ("Tel 12345", "Tel [PHONE_1]"),
    ("Phone 1234567890123456", "Phone [PHONE_1]"),
    ("Tel: +1234567890123456", "Tel: [PHONE_1]"),
    ("Fax 1234 5678", "Fax [PHONE_1]"),
    ("Mobile 12345678", "Mobile [PHONE_1]"),
    ("Telefon 98765", "Telefon [PHONE_1]"),
    ("Tél. 12345", "Tél. [PHONE_1]"),
    ("Telf. 12345", "Telf. [PHONE_1]"),
    ("Tfno. 12345", "Tfno. [PHONE_1]"),
    ("Móvil 12345", "Móvil [PHONE_1]"),
    ("Cel. 12345", "Cel. [PHONE_1]"),
    ("Telefoon 12345", "Telefoon [PHONE_1]"),
    ("GSM 12345", "GSM [PHONE_1]"),
    ("Fon 12345", "Fon [PHONE_1]"),
    ("Tel: 01.02.2024", "Tel: [PHONE_1]"),
    ("Tel 12 345 678", "Tel [PHONE_1]"),
    ("Tel 0815/2024", "Tel [PHONE_1]"),
    ("Tel 555 123 4567", "Tel [PHONE_1]"),
    ("Tel 1234", "Tel 1234"),
    ("Tel 12345678901234567", "Tel 12345678901234567"),
    ("Tel 1 234,56", "Tel 1 234,56"),
    ("Tel 10:30", "Tel 10:30"),
    ("Tel DE 123 456 789", "Tel DE 123 456 789"),
]


@pytest.mark.parametrize(("kind", "value"), README_MASKED)
def test_each_masked_example_of_the_readme_is_masked(kind: str, value: str) -> None:
    assert _masked(value) == f"[{kind}_1]"
    assert _masked(f"See: {value}, then") == f"See: [{kind}_1], then"


@pytest.mark.parametrize("text", README_VISIBLE)
def test_each_visible_example_of_the_readme_stays_visible(text: str) -> None:
    assert _masked(f"Item {text} end") == f"Item {text} end"


@pytest.mark.parametrize(("text", "masked"), README_LABELLED)
def test_behind_a_phone_label_5_to_16_digits_are_masked(text: str, masked: str) -> None:
    assert _masked(text) == masked


# Printed in other digits, full-width forms or other dashes, a value is the same value.
OTHER_CHARACTERS = [
    ("CARD", "\uff14\uff11\uff11\uff11 \uff11\uff11\uff11\uff11 \uff11\uff11\uff11\uff11 \uff11\uff11\uff11\uff11"),
    ("CARD", "\u0664\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661"),
    ("CARD", "4111\u20141111\u20141111\u20141111"),
    ("CARD", "4111\u22121111\u22121111\u22121111"),
    ("CARD", "4111\u20131111\u20131111\u20131111"),
    (
        "IBAN",
        "\uff24\uff25\uff18\uff19 \uff13\uff17\uff10\uff14 \uff10\uff10\uff14\uff14 \uff10\uff15\uff13\uff12 "
        "\uff10\uff11\uff13\uff10 \uff10\uff10",
    ),
    ("IBAN", "DE89\u20143704\u20140044\u20140532\u20140130\u201400"),
    ("EMAIL", "\uff4a\uff41\uff4e\uff45\uff20\uff45\uff58\uff41\uff4d\uff50\uff4c\uff45\uff0e\uff43\uff4f\uff4d"),
    ("PHONE", "\uff15\uff15\uff15-\uff11\uff12\uff13-\uff14\uff15\uff16\uff17"),
    ("PHONE", "\uff0b49 30 1234 5678"),
    ("PHONE", "+\uff14\uff19 \uff13\uff10 \uff11\uff12\uff13\uff14 \uff15\uff16\uff17\uff18"),
    ("PHONE", "\u09e6\u09e9\u09e6 \u09e7\u09e8\u09e9\u09ea\u09eb\u09ec\u09ed"),
    ("PHONE", "555\u2014123\u20144567"),
    ("PHONE", "555\u2212123\u22124567"),
    ("PHONE", "555\u2011123\u20114567"),
]


@pytest.mark.parametrize(("kind", "value"), OTHER_CHARACTERS)
def test_a_value_in_other_digits_full_width_forms_or_other_dashes_is_masked(kind: str, value: str) -> None:
    masked = mask_pages((f"Contact {value} today",))
    assert masked.pages[0] == f"Contact [{kind}_1] today"
    assert masked.replacements[0].original == value


def test_look_alikes_in_other_digits_stay_visible() -> None:
    # A date and an amount in Arabic-Indic digits, a range with an em dash.
    text = "Preis \u0663\u0660 \u20ac am \u0660\u0661.\u0660\u0662.\u0662\u0660\u0662\u0664, 2020\u20142024"
    assert _masked(text) == text


# What a careful user tries next to the table's examples.
NEAR_MISSES = [
    ("Write to <jane.doe@example.com>.", "Write to <[EMAIL_1]>."),
    ("Jane Doe <jane+invoices@example.com>", "Jane Doe <[EMAIL_1]>"),
    ("mailto:jane@example.com", "mailto:[EMAIL_1]"),
    ("jane.doe+tag@sub.example.co.uk,", "[EMAIL_1],"),
    ("gb29 nwbk 6016 1331 9268 19", "[IBAN_1]"),
    ("iban de89 3704 0044 0532 0130 01", "iban [IBAN_1]"),
    ("IBAN: de89  3704  0044  0532  0130  00", "IBAN: [IBAN_1]"),
    ("DE89\u00a03704\u00a00044\u00a00532\u00a00130\u00a000", "[IBAN_1]"),
    ("| Card | 4111 1111 1111 1111 |", "| Card | [CARD_1] |"),
    ("|4111 1111 1111 1111|", "|[CARD_1]|"),
    ("Card\t4111 1111 1111 1111\tEUR 12", "Card\t[CARD_1]\tEUR 12"),
    ("<td>4111111111111111</td>", "<td>[CARD_1]</td>"),
    ("4111 1111 1111 1111 12/26", "[CARD_1] 12/26"),
    ("Tel:\n030 1234567", "Tel:\n[PHONE_1]"),
    ("Tel\u00a0030 1234567", "Tel\u00a0[PHONE_1]"),
    ("+49\u202f30\u202f1234\u202f5678", "[PHONE_1]"),
]


@pytest.mark.parametrize(("text", "masked"), NEAR_MISSES)
def test_near_misses_of_the_examples_are_masked(text: str, masked: str) -> None:
    assert _masked(text) == masked


@pytest.mark.parametrize("text", ["555-123-\n4567", "030 1234\n5678", "4111 1111\n1111 1112"])
def test_a_phone_number_without_a_plus_or_label_or_a_failing_card_number_broken_across_lines_is_not_read_as_one(
    text: str,
) -> None:
    assert _masked(text) == text
