"""Card and phone numbers a text layer wrapped over one line break, and the figures on consecutive lines left apart."""

from __future__ import annotations

import pytest

from claimflow.state.masking import mask_pages


def _masked(text: str) -> str:
    return mask_pages((text,)).pages[0]


WRAPPED = [
    ("4111 1111\n1111 1111", "[CARD_1]"),
    ("Card: 4111 1111 \n1111 1111 exp 12/26", "Card: [CARD_1] exp 12/26"),
    ("4111\n1111 1111 1111", "[CARD_1]"),
    ("4111 1111 1111\n1111", "[CARD_1]"),
    ("4111-1111-\n1111-1111", "[CARD_1]"),
    ("3782 822463\n10005 total", "[CARD_1] total"),
    ("+44 20\n7946 0958", "[PHONE_1]"),
    ("Call +44\n20 7946 0958 today", "Call [PHONE_1] today"),
    ("(+44) 20\n7946 0958", "[PHONE_1]"),
    ("+1 555-\n123-4567", "[PHONE_1]"),
    ("Tel: 0171\n1234567", "Tel: [PHONE_1]"),
    ("Phone 030\n1234 5678", "Phone [PHONE_1]"),
]


@pytest.mark.parametrize(("text", "masked"), WRAPPED)
def test_a_number_wrapped_over_one_line_break_is_masked_whole(text: str, masked: str) -> None:
    assert _masked(text) == masked


def test_a_wrapped_card_number_keeps_its_original_with_the_break() -> None:
    result = mask_pages(("Paid with 4111 1111\n1111 1111 on 01.02.2024",))
    assert result.pages == ("Paid with [CARD_1] on 01.02.2024",)
    assert [r.original for r in result.replacements] == ["4111 1111\n1111 1111"]


APART = [
    "4111 1111\n1111 1112",  # the check digit fails
    "41111111\n11111111",  # compact halves
    "4111 1111\n\n1111 1111",  # two breaks
    "4111 1111\n1111-1111",  # another separator
    "Qty 12 4111 1111\n1111 1111",  # a row of figures
    "Total 1 234,56\n2024 0101 0001",
    "01.02.2024\n1234 5678 9012",
    "555-123-\n4567",  # neither a "+" nor a label
    "12.50\n2024 0101",
    "030 1234\n5678 9012",
    "+49 30 1234 5678\n12 Main Street",  # a whole number, then a house number
    "Tel: 030\n12.03.2024",
    "+5\n12 apples",
]


@pytest.mark.parametrize("text", APART)
def test_figures_on_consecutive_lines_are_not_read_as_one_number(text: str) -> None:
    result = mask_pages((text,))
    assert all("\n" not in r.original for r in result.replacements)


def test_a_whole_number_on_its_line_leaves_the_next_line_as_it_is() -> None:
    assert _masked("+49 30 1234 5678\n12 Main Street") == "[PHONE_1]\n12 Main Street"
    assert _masked("4111 1111 1111 1111\n2024 0101") == "[CARD_1]\n2024 0101"


# A first line masked alone but too short to be a whole number (fewer than 10 digits) takes the next line's figure
# when it stands alone there, at least as wide as the line's last group and no wider than four: its last group.
TAILS = [
    ("+44 20 7946\n0958", "[PHONE_1]", "+44 20 7946\n0958"),
    ("Call +44 20 7946\n0958 today", "Call [PHONE_1] today", "+44 20 7946\n0958"),
    ("+44 (0)20 7946\n0958", "[PHONE_1]", "+44 (0)20 7946\n0958"),
    ("+1 555 123\n4567", "[PHONE_1]", "+1 555 123\n4567"),
    ("+33 1 23 45 67\n89", "[PHONE_1]", "+33 1 23 45 67\n89"),
    ("Tel: 020 7946\n0958", "Tel: [PHONE_1]", "020 7946\n0958"),
    ("Tel: +44 20 7946 \n0958, ext. 12", "Tel: [PHONE_1]", "+44 20 7946 \n0958, ext. 12"),
]


@pytest.mark.parametrize(("text", "masked", "original"), TAILS)
def test_the_last_group_of_a_number_wrapped_after_it_could_be_masked_is_masked_with_it(
    text: str, masked: str, original: str
) -> None:
    result = mask_pages((text,))
    assert result.pages == (masked,)
    # The placeholder's original keeps the line break: unmasking puts the page's layout back.
    assert [r.original for r in result.replacements] == [original]


# What a reader takes for something else: a whole number's next line, or a figure that is not a last group.
TAILS_APART = [
    ("Tel: +44 20 7946 0958\n2024 total", "Tel: [PHONE_1]\n2024 total"),  # the number is whole
    ("+49 30 1234 5678\n1234 Main Street", "[PHONE_1]\n1234 Main Street"),
    ("+44 20 7946\n0958.00", "[PHONE_1]\n0958.00"),  # an amount
    ("+44 20 7946\n12 Main Street", "[PHONE_1]\n12 Main Street"),  # narrower than the last group
    ("+49 30 12345\n10115 Berlin", "[PHONE_1]\n10115 Berlin"),  # a postcode: five digits
    ("+44 20 7946\n0958 2024", "[PHONE_1]\n0958 2024"),  # a row of figures
    ("+44 20 7946\n2024-03-14", "[PHONE_1]\n2024-03-14"),
    ("+44 20 7946\n10:30", "[PHONE_1]\n10:30"),
    ("+44 20 7946\n\n0958", "[PHONE_1]\n\n0958"),  # two breaks
    ("Tel: 030 1234\n01.02.2024", "Tel: [PHONE_1]\n01.02.2024"),
    ("020 7946\n0958", "020 7946\n0958"),  # neither a "+" nor a label
]


@pytest.mark.parametrize(("text", "masked"), TAILS_APART)
def test_the_next_line_of_a_number_a_reader_takes_for_another_figure_stays_apart(text: str, masked: str) -> None:
    assert _masked(text) == masked
