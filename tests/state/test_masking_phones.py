"""Phone numbers printed without a label are masked in the shapes only phones take; look-alikes stay visible."""

from __future__ import annotations

import pytest

from claimflow.state.masking import mask_pages

UNLABELLED = [
    "1 555 123 4567",
    "1 800 555 0199",
    "+1 555 123 4567",
    "+1 555.123.4567",
    "1 555 123-4567",
    "555 123-4567",
    "(555) 123-4567",
    "(555)-123-4567",
    "555-123-4567",
    "555.123.4567",
    "+44 20 7946 0958",
    "+44(0)2079460958",
    "020 7946 0958",
    "+49 30 1234567",
    "+49 111222333",
    "0171 1234567",
    "+33 1 23 45 67 89",
]
LABELLED = [
    "Phone: +49 111222333",
    "Telefon: 0170 123456789",
    "Telefon: 0043 22222233333",
]
# What documents print that is not a phone number, each as a document would print it.
LOOK_ALIKES = [
    "1 234 567.00",
    "1.234.567,00",
    "1 234 567",
    "12 345 678",
    "2024 03 14",
    "14.03.2024",
    "2024-03-14",
    "14/03/2024",
    "INV-2024-0117",
    "4711",
    "0815/2024",
    "Hauptstr. 12, 10115 Berlin",
    "1600 Pennsylvania Ave NW, Washington, DC 20500",
    "3704 0044 0532",
    "2 3.50 7.00",
    "1 555 123 4567.00",
    "12 1 555 123 4567",
    "1 555 123 4567 89",
    "100 200-3000",
    "10:30",
    "10:30:45",
    "GB123456789",
    "DE 123 456 789",
    "VAT DE 123 456 789",
]
# Shapes only a phone label makes a phone number: a VAT id behind its country code (FR 2 check digits and
# the 9-digit SIREN, IT 11 digits, BE 10), references led by a month and a year, rows of zero-padded figures.
NOT_PHONES = [
    "FR 05 987 654 321",
    "IT 012 3456 7890",
    "BE 0123 456 789",
    "02 2024 0117",
    "01 02 2024 1430",
    "0010 0020 0030",
    "0100 0200 0300",
]
# Near those shapes, but phone numbers: a label or a "+" decides, as do a country code before a number of
# another length, an area code of three digits, a dash, two-digit pairs, and zero-led groups of unequal width.
NEAR_MISSES = [
    ("Tel: 02 20 24 01 17", "Tel: [PHONE_1]"),
    ("Tel: 02 2024 0117", "Tel: [PHONE_1]"),
    ("Tel. 0010 0020 0030", "Tel. [PHONE_1]"),
    ("+33 5 98 76 54 32", "[PHONE_1]"),
    ("FR +33 5 98 76 54 32", "FR [PHONE_1]"),
    ("PARIS, FR 05 98 76 54 32", "PARIS, FR [PHONE_1]"),
    ("020 2024 0117", "[PHONE_1]"),
    ("03-2024 0117", "[PHONE_1]"),
    ("01 02 03 04 05", "[PHONE_1]"),
    ("0049 0171 1234567", "[PHONE_1]"),
]
# Ambiguous, so left visible: a row of three figures prints as "555 123 4567", and two ids as "98765 43210".
AMBIGUOUS = ["555 123 4567", "98765 43210"]


def _masked(text: str) -> str:
    return mask_pages((text,)).pages[0]


@pytest.mark.parametrize("number", UNLABELLED)
def test_an_unlabelled_phone_number_is_masked_whole(number: str) -> None:
    assert _masked(f"Contact {number} today") == "Contact [PHONE_1] today"


@pytest.mark.parametrize("text", LABELLED)
def test_a_long_subscriber_group_behind_a_label_is_masked(text: str) -> None:
    label = text.split(" ")[0]
    assert _masked(text) == f"{label} [PHONE_1]"


@pytest.mark.parametrize("text", LOOK_ALIKES + AMBIGUOUS)
def test_a_look_alike_stays_visible(text: str) -> None:
    assert _masked(f"Item {text} end") == f"Item {text} end"


@pytest.mark.parametrize("text", NOT_PHONES)
def test_a_tax_id_a_dated_reference_or_padded_figures_stay_visible(text: str) -> None:
    assert _masked(f"Item {text} end") == f"Item {text} end"


@pytest.mark.parametrize(("text", "masked"), NEAR_MISSES)
def test_a_phone_number_near_those_shapes_is_masked(text: str, masked: str) -> None:
    assert _masked(f"Item {text} end") == f"Item {masked} end"


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("Card 4111 1111 1111 1111", "Card [CARD_1]"),
        ("IBAN DE89 3704 0044 0532 0130 00", "IBAN [IBAN_1]"),
    ],
)
def test_cards_and_ibans_are_not_taken_for_phones(text: str, masked: str) -> None:
    assert _masked(text) == masked


def test_phones_in_a_line_of_figures_leave_the_figures_visible() -> None:
    line = "Qty 2 Price 3.50 Total 7.00 Call 1 555 123 4567 or 555 123-4567, order 4711"
    assert _masked(line) == "Qty 2 Price 3.50 Total 7.00 Call [PHONE_1] or [PHONE_2], order 4711"
