"""IBANs of the wrong length for their country (a digit dropped or added) and the look-alikes left visible."""

from __future__ import annotations

import pytest

from claimflow.state.masking import mask_pages


def _masked(text: str) -> str:
    return mask_pages((text,)).pages[0]


# Printed the IBAN way (a registry country code in capitals, check digits, groups of four split by one space),
# or right behind an "IBAN" label, in any case, compact or in groups of four.
MISTYPED = [
    ("DE89 3704 0044 0532 0130", "[IBAN_1]"),
    ("Konto DE12 3704 0044 0532 0130 0199 x", "Konto [IBAN_1] x"),
    ("IBAN: GB82 WEST 1234 5698 7654 3", "IBAN: [IBAN_1]"),
    ("Pay to DE89 3704 0044 0532 0130 001, thanks", "Pay to [IBAN_1], thanks"),
    ("NO93 8601 1117 9471", "[IBAN_1]"),
    ("IBAN DE89 3704 0044 0532 0130 BIC COBADEFFXXX", "IBAN [IBAN_1] BIC COBADEFFXXX"),
    ("DE89 3704 0044 0532 0130 BANK AG", "[IBAN_1] BANK AG"),
    ("IBAN: de89 3704 0044 0532 0130", "IBAN: [IBAN_1]"),
    ("IBAN: DE8937040044053201300", "IBAN: [IBAN_1]"),
    ("IBAN DE89-3704-0044-0532-0130", "IBAN [IBAN_1]"),
    ("IBAN: DE89.3704.0044.0532.0130", "IBAN: [IBAN_1]"),
    ("IBAN: DE 89 3704 0044 0532 0130", "IBAN: [IBAN_1]"),
    ("DE89 3704 0044 0532 0130 2024-01-15", "[IBAN_1] 2024-01-15"),
    # An amount after it on its line stays whole: its integer part would fill out DE's 22 characters.
    ("DE89 3704 0044 0532 0130 12.50", "[IBAN_1] 12.50"),
    ("DE89 3704 0044 0532 0130 12,50 EUR", "[IBAN_1] 12,50 EUR"),
]


@pytest.mark.parametrize(("text", "masked"), MISTYPED)
def test_an_iban_of_the_wrong_length_printed_as_ibans_are_or_labelled_is_masked(text: str, masked: str) -> None:
    assert _masked(text) == masked


def test_a_mistyped_iban_is_masked_whole_and_its_original_kept() -> None:
    result = mask_pages(("Bank: DE89 3704 0044 0532 0130, BIC COBADEFFXXX",))
    assert result.pages == ("Bank: [IBAN_1], BIC COBADEFFXXX",)
    assert [r.original for r in result.replacements] == ["DE89 3704 0044 0532 0130"]


VISIBLE = [
    "de89 3704 0044 0532 0130",  # lower case, unlabelled: a product code as likely
    "DE8937040044053201300",  # compact, unlabelled
    "AB12 3456 7890 1234 5678",  # no registry country
    "DE89 3704 0044 05",  # shorter than any country's IBAN
    "DE89 3704 0044 0532 0130 1234 5678 9012 34",  # longer than any
    "DE89-3704-0044-0532-0130",  # dashes without a label
    "DE 89 3704 0044 0532 0130",  # a space after the country code, without a label or check digits that hold
    "DE123456789",
    "FR12 345 678 901",
    "RE2024 0117 0001 0002",
    "INV-2024-0117",
    "01.02.2024 12:30",
    "1.234,56 EUR",
    "+49 30 1234 5678",
    "SN12 ABCD EFGH IJKL",
    "DE89 3704 DE89 3704 DE89 3704 DE89 3704 DE89 3704",  # a run of groups longer than any IBAN
    "IBAN: DE89 3704",
]


@pytest.mark.parametrize("text", VISIBLE)
def test_look_alikes_of_a_mistyped_iban_stay_visible(text: str) -> None:
    assert not [r for r in mask_pages((f"Item {text} end",)).replacements if r.placeholder.startswith("[IBAN")]


def test_an_iban_of_its_country_length_is_not_read_further_as_a_mistyped_one() -> None:
    assert _masked("DE89 3704 0044 0532 0130 00 1234 next") == "[IBAN_1] 1234 next"


# A space after the country code, the groups of four as printed otherwise: a digit dropped or added (or a check digit
# mistyped) still reads as an IBAN. Behind a label, also compact after that space, groups counted from the check
# digits, or two spaces between groups.
SPACED_OR_REGROUPED = [
    ("GB 29 NWBK 6016 1331 9268 1", "[IBAN_1]"),
    ("Konto GB 29 NWBK 6016 1331 9268 191 x", "Konto [IBAN_1] x"),
    ("Pay to DE 89 3704 0044 0532 0130 0, thanks", "Pay to [IBAN_1], thanks"),
    ("NL 91 ABNA 0417 1643 001", "[IBAN_1]"),
    ("GB29  NWBK  6016  1331  9268  1", "[IBAN_1]"),
    ("BE68 5390 0754 7703 4", "[IBAN_1]"),  # a digit added where the country's length ends on a whole group
    ("IBAN: GB 29 NWBK6016133192681", "IBAN: [IBAN_1]"),
    ("IBAN: GB 29NW BK60 1613 3192 681", "IBAN: [IBAN_1]"),
    ("IBAN: GB29  NWBK  6016  1331  9268  1", "IBAN: [IBAN_1]"),
    ("IBAN: BE68 5390 0754 7703 4", "IBAN: [IBAN_1]"),
]


@pytest.mark.parametrize(("text", "masked"), SPACED_OR_REGROUPED)
def test_a_mistyped_iban_with_a_spaced_head_or_other_grouping_is_masked_whole(text: str, masked: str) -> None:
    result = mask_pages((text,))
    assert result.pages == (masked,)
    assert all(r.placeholder == "[IBAN_1]" for r in result.replacements)


SPACED_LOOK_ALIKES = [
    "GB 29 items",
    "GB 29 2024 0117 0001",  # a reference: far from GB's 22 characters
    "DE 89 3704 0044 0532 0130",  # two digits short
    "FR 05 987 654 321",  # a VAT id
    "DE 12 345 678 901",
    "de 89 3704 0044 0532 0130 0",  # lower case, unlabelled
    "GB 29 NWBK6016133192681",  # compact after the space, unlabelled
    "GB 29NW BK60 1613 3192 681",  # groups counted from the check digits, unlabelled
    "qty 4 GB 29 NWBK 6016 1331 9268 1",  # behind another figure: a row of them
    "DC 20 5001 2345 6789 0123",  # no registry country
]


@pytest.mark.parametrize("text", SPACED_LOOK_ALIKES)
def test_look_alikes_of_a_spaced_mistyped_iban_stay_unread_as_ibans(text: str) -> None:
    assert not [r for r in mask_pages((f"Item {text} end",)).replacements if r.placeholder.startswith("[IBAN")]


def test_a_valid_iban_with_a_short_figure_after_it_stays_whole_and_the_figure_apart() -> None:
    # Its check digits hold, so it is complete: the figure after it is not a digit added.
    assert _masked("BE68 5390 0754 7034 1 pc") == "[IBAN_1] 1 pc"
    assert _masked("GB 29 NWBK 6016 1331 9268 19 2 pcs") == "[IBAN_1] 2 pcs"
