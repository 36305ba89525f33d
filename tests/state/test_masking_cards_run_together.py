"""A card number two of whose groups ran together, as a scan's reading gives `4111 1111 1111 1111`, is masked.

Tesseract read a printed `Card: 4111 1111 1111 1111` as `Card: 4111 1111 11111111`: groups of 4, 4 and 8, which
the card pattern (groups of at most six) passed over, so the card number went to the model as it stood.
"""

from __future__ import annotations

import pytest

from claimflow.state.masking import mask_pages

RUN_TOGETHER = [
    "4111 1111 11111111",
    "4111 11111111 1111",
    "41111111 1111 1111",
    "4111-1111-11111111",
    "5500 0000 00000004",
    "4111.11111111.1111",
]
STILL_VISIBLE = [
    "4111 1111 11111112",  # the Luhn check fails
    "1000 0000 00000008",  # no card scheme starts so
    "4111 1111 1111",  # too short for a card
    "4111 1111-11111111",  # two separators
    "20240117 0001 2345",  # a date and a reference
]


@pytest.mark.parametrize("number", RUN_TOGETHER)
def test_a_card_number_with_two_groups_run_together_is_masked(number: str) -> None:
    result = mask_pages((f"Card: {number} exp 12/26",))
    assert result.pages == ("Card: [CARD_1] exp 12/26",)
    assert [item.original for item in result.replacements] == [number]


@pytest.mark.parametrize("number", STILL_VISIBLE)
def test_groups_that_are_no_card_number_stay_visible(number: str) -> None:
    assert mask_pages((f"Ref: {number}",)).pages == (f"Ref: {number}",)
