"""Card numbers a terminal printed partly hidden are masked whole; other starred or crossed-out codes stay visible."""

from __future__ import annotations

import pytest

from claimflow.state.masking import mask_pages


def _masked(text: str) -> str:
    return mask_pages((text,)).pages[0]


# Lines as card receipts print them.
MASKED = [
    ("VISA 4111 11** **** 1111", "VISA [CARD_1]"),
    ("Card: XXXX XXXX XXXX 1234", "Card: [CARD_1]"),
    ("MASTERCARD ************4444 CONTACTLESS", "MASTERCARD [CARD_1] CONTACTLESS"),
    ("Kartennr.: xxxx-xxxx-xxxx-1234", "Kartennr.: [CARD_1]"),
    ("AMEX 3782 XXXXXX X0005", "AMEX [CARD_1]"),
    ("PAN 411111******1111 A0000000031010", "PAN [CARD_1] A0000000031010"),
    ("\u2022\u2022\u2022\u2022 \u2022\u2022\u2022\u2022 \u2022\u2022\u2022\u2022 4242", "[CARD_1]"),
    ("Debit XXXXXXXXXXXX1234\nAUTH CODE 012345", "Debit [CARD_1]\nAUTH CODE 012345"),
    ("**** **** **** 1234 12/25", "[CARD_1] 12/25"),
    ("**** **** **** 1234 12/2025", "[CARD_1] 12/2025"),
]
# Nothing left of the number, too short for a card, digits a card does not start with or has too many of at its
# end, an IBAN or an order number printed partly hidden, a row of stars, an amount after stars.
VISIBLE = [
    "**** **** **** ****",
    "XXXX XXXX",
    "*** 1234",
    "1234 **** 5678",
    "9111 11** **** 1111",
    "**** **** **** 12345",
    "DE89 **** **** **** 3000 00",
    "AB-XXXX XXXX XXXX 1234",
    "12 XXXX XXXX XXXX 1234",
    "**** **** **** 1234 5678",
    "**** **** **** 1234 13/25",
    "Total ******** 12.50",
    "*** Thank you ***",
    "XXL 1234",
    "4111 1111 11** *1**",
]


@pytest.mark.parametrize(("text", "masked"), MASKED)
def test_a_partly_hidden_card_number_is_masked_whole(text: str, masked: str) -> None:
    assert _masked(text) == masked


@pytest.mark.parametrize("text", VISIBLE)
def test_other_starred_or_crossed_out_codes_stay_visible(text: str) -> None:
    assert _masked(f"Item {text} end") == f"Item {text} end"


def test_a_partly_hidden_number_behind_an_order_label_stays_visible() -> None:
    assert _masked("Order #: XXXX-XXXX-XXXX-1234") == "Order #: XXXX-XXXX-XXXX-1234"
