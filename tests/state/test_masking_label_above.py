"""Phone numbers opening the line after a phone label that ends its own, and what such a label leaves alone."""

from __future__ import annotations

import pytest

from claimflow.state.masking import mask_pages


def _masked(text: str) -> str:
    return mask_pages((text,)).pages[0]


# Shapes only a label makes a phone number; the label ends its line with a colon or stands alone on it.
BELOW_A_LABEL = [
    "Phone:\n555 123 4567",
    "Tel:\n7946 0958",
    "Tel.:\n1234567",
    "Telephone\n555 123 4567",
    "  Fax\n98765 43210",
    "Mobile: \n  0170 12345678",
    "Name: Jane Doe, Phone:\n12 34 56 78",
    "Phone number:\n030.1234.5678",
]


@pytest.mark.parametrize("text", BELOW_A_LABEL)
def test_a_number_opening_the_line_after_a_phone_label_is_masked(text: str) -> None:
    label, number = text.split("\n")
    result = mask_pages((text,))
    assert result.pages == (f"{label}\n{number[: len(number) - len(number.lstrip())]}[PHONE_1]",)
    assert [r.original for r in result.replacements] == [number.lstrip()]


# Already phone-shaped, so masked before; kept here as the forms the label above most often introduces.
@pytest.mark.parametrize(
    "text", ["Phone:\n+44 20 7946 0958", "Tel.:\n020 7946 0958", "Telephone\n020 7946 0958", "Tel:\n(020) 7946 0958"]
)
def test_a_phone_shaped_number_after_a_label_line_stays_masked(text: str) -> None:
    label = text.split("\n")[0]
    assert _masked(text) == f"{label}\n[PHONE_1]"


# A label above another column's row: what opens the next line is a date, an amount, a reference or too short.
NOT_BELOW = [
    "Phone:\n01.02.2024",
    "Phone:\n2024-03-14",
    "Tel:\n14 03 2024 1430",
    "Phone:\n1 234 567",
    "Phone:\n12.345.678",
    "Phone:\n123456.78",
    "Phone:\n1.234,56 EUR",
    "Tel:\n14:30",
    "Phone:\nINV-2024-0117",
    "Tel:\n2024-0117",
    "Tel:\n2024 0117 0001",
    "Tel:\n12345 Berlin",
    "Tel:\n4711",
    "Phone:\n0010 0020 0030",
    "Phone:\nFR 05 987 654 321",
    "Phone:\n\n555 123 4567",  # two breaks
    "We will call\n5551234 customers",  # prose: the label neither ends with a colon nor stands alone
    "Phone: 030\nInvoice 12345678",
]


@pytest.mark.parametrize("text", NOT_BELOW)
def test_what_is_not_a_phone_number_after_a_label_line_stays_visible(text: str) -> None:
    assert not [r for r in mask_pages((text,)).replacements if "\n" in text[: r.source_end]]
