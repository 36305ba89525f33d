"""Spaced-out e-mail addresses, a card's last four printed alone, expiries after a card and phone extensions.

Each form is masked whole; the lines that only look like them (amounts, dates, times, references, EANs,
IBANs, version numbers, sentences with " . " in them) stay as they are.
"""

from __future__ import annotations

import pytest

from claimflow.state.masking import mask_pages


def _masked(text: str) -> str:
    return mask_pages((text,)).pages[0]


MASKED = [
    # E-mail addresses spaced around their dots or by two spaces around the sign, as OCR reads them.
    ("Contact: jane . doe @ example . com", "Contact: [EMAIL_1]"),
    ("E-mail: jane.doe  @  example.com", "E-mail: [EMAIL_1]"),
    ("Mail jane . doe@example . com today", "Mail [EMAIL_1] today"),
    ("billing @ acme . co . uk", "[EMAIL_1]"),
    ("JANE . DOE @ EXAMPLE . COM", "[EMAIL_1]"),
    # The spaced form ends where the sentence after it starts; a tight address before " . " keeps its end.
    ("Write to jane @ example . com . Thank you", "Write to [EMAIL_1] . Thank you"),
    ("Thanks . jane@example.com", "Thanks . [EMAIL_1]"),
    ("jane@example.com . See you", "[EMAIL_1] . See you"),
    # A card's last four printed alone, as terminals print them.
    ("VISA **** 1234", "VISA [CARD_1]"),
    ("Card: XXXX1234", "Card: [CARD_1]"),
    ("MASTERCARD xxxx 4444 CONTACTLESS", "MASTERCARD [CARD_1] CONTACTLESS"),
    ("AMEX \u2022\u2022\u2022\u20220005", "AMEX [CARD_1]"),
    ("Card ending 1234", "Card ending [CARD_1]"),
    ("Paid with Visa ending in 4242 on 12.03.2024", "Paid with Visa ending in [CARD_1] on 12.03.2024"),
    ("DEBIT CARD ENDING IN ****1234", "DEBIT CARD ENDING IN [CARD_1]"),
    ("card no. ending with 9876", "card no. ending with [CARD_1]"),
    # A card number and its expiry with a four-digit year: the number is masked, the expiry stays.
    ("**** **** **** 1234 12/2025", "[CARD_1] 12/2025"),
    ("4111 11** **** 1111 01/2027", "[CARD_1] 01/2027"),
    ("XXXX1234 12/2025", "[CARD_1] 12/2025"),
    ("4111 1111 1111 1111 12/2025", "[CARD_1] 12/2025"),
    ("Card 4111-1111-1111-1111 Exp. 12/2025", "Card [CARD_1] Exp. 12/2025"),
    # A phone number's extension goes with it.
    ("+44 20 7946 0958 ext. 12", "[PHONE_1]"),
    ("Tel: +1 (415) 555-0132, ext 204", "Tel: [PHONE_1]"),
    ("Phone 555-123-4567 x123", "Phone [PHONE_1]"),
    ("Tel. 030 1234567 (Durchwahl 12)", "Tel. [PHONE_1]"),
    ("T\u00e9l. 01 23 45 67 89 poste 12", "T\u00e9l. [PHONE_1]"),
    ("+44 20 7946 0958 Extension 1234 (mornings)", "[PHONE_1] (mornings)"),
    # Figures after a number that are no extension stay.
    ("+44 20 7946 0958 x 2 pcs", "[PHONE_1] x 2 pcs"),
    ("+44 20 7946 0958 next 12", "[PHONE_1] next 12"),
    ("Tel 0171 1234567 x12345678", "Tel [PHONE_1] x12345678"),
    ("+44 20 7946 0958 ext. 12.50", "[PHONE_1] ext. 12.50"),
]
VISIBLE = [
    # Sentences and version numbers with " . " in them, an "@" among them.
    "Release v1 . 2 . 3 @ build 7",
    "Paid @ shop . Thank you",
    "Order placed @ shop . thank you for it",
    "Delivered . See you @ home",
    "Total 2  @  EUR 5 . 00",
    "v1 . 2 . 3 . Next release 2 . 0",
    # Stars, crosses and digits in other shapes than a card's last four.
    "*** 1234",
    "**** 1234 5678",
    "**** 12.50",
    "Card ending 1234.50",
    "**** 1234,50",
    "ABXXXX1234",
    "XXXX12345",
    "Ref XXXX-1234",
    "DE89 **** 1234",
    "**** 1234 13/2025",
    "Period ending 2024",
    "Order ending 1234",
    "Total ******** 12.50",
    # Extension words by figures that are no phone number.
    "Invoice INV-2024-0117 ext. 12",
    "Qty 12 x 3.50",
    "EAN 4006381333931 x12",
    "12.03.2024 10:30 ext. 4",
]


@pytest.mark.parametrize(("text", "masked"), MASKED)
def test_each_form_is_masked_whole(text: str, masked: str) -> None:
    assert _masked(text) == masked


@pytest.mark.parametrize("text", VISIBLE)
def test_look_alikes_stay_visible(text: str) -> None:
    assert _masked(f"Line: {text} end") == f"Line: {text} end"


def test_a_phone_numbers_extension_is_masked_with_it_and_given_back_whole() -> None:
    result = mask_pages(("Call +44 20 7946 0958 ext. 12 or write to jane . doe @ example . com",))
    assert result.pages == ("Call [PHONE_1] or write to [EMAIL_1]",)
    assert [r.original for r in result.replacements] == ["+44 20 7946 0958 ext. 12", "jane . doe @ example . com"]


def test_an_iban_after_a_card_label_and_an_amount_after_stars_stay_visible() -> None:
    text = "Card refund to IBAN DE89 3704 0044 0532 0130 00, **** 12.50 EUR"
    assert _masked(text) == "Card refund to IBAN [IBAN_1], **** 12.50 EUR"
