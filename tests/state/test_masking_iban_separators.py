"""IBANs behind an "IBAN" label in the forms only a label makes safe to read, and the look-alikes left visible."""

from __future__ import annotations

import pytest

from claimflow.state.masking import mask_pages

VALID = "DE89370400440532013000"
"""A German IBAN whose check digits hold."""

LABELLED = [
    ("IBAN: ", "DE89.3704.0044.0532.0130.00"),
    ("IBAN: ", "DE89/3704/0044/0532/0130/00"),
    ("IBAN: ", "DE89_3704_0044_0532_0130_00"),
    ("IBAN:", "DE89\t3704\t0044\t0532\t0130\t00"),
    ("IBAN: ", "DE 89 3704 0044 0532 0130 00"),
    ("IBAN: ", "DE 89.3704.0044.0532.0130.00"),
    ("iban - ", "gb29.nwbk.6016.1331.9268.19"),
    ("IBAN:\t", "FR14/2004/1010/0505/0001/3M02/606"),
]
"""A label and the IBAN behind it."""


@pytest.mark.parametrize(("label", "iban"), LABELLED)
def test_behind_a_label_an_iban_split_by_another_separator_is_masked_whole(label: str, iban: str) -> None:
    masked = mask_pages((label + iban,))
    assert masked.pages == (label + "[IBAN_1]",)
    assert [(r.placeholder, r.original) for r in masked.replacements] == [("[IBAN_1]", iban)]


def test_an_iban_with_a_space_after_its_country_code_is_never_half_masked_as_a_phone_number() -> None:
    masked = mask_pages(("Bank: Sparkasse, IBAN: DE 89 3704 0044 0532 0130 00, BIC: COBADEFFXXX",))
    assert masked.pages == ("Bank: Sparkasse, IBAN: [IBAN_1], BIC: COBADEFFXXX",)
    assert [r.original for r in masked.replacements] == ["DE 89 3704 0044 0532 0130 00"]


def test_a_full_stop_after_a_dotted_iban_ends_the_sentence_not_the_iban() -> None:
    masked = mask_pages(("Pay to IBAN: DE89.3704.0044.0532.0130.00. Thank you.",))
    assert masked.pages == ("Pay to IBAN: [IBAN_1]. Thank you.",)


@pytest.mark.parametrize(
    "text",
    ["IBAN: DE 89 3704 0044 0532 0130 01", "IBAN: DE89.3704.0044.0532.0130.01", "IBAN: DE89/3704/0044/0532/0130/01"],
)
def test_behind_a_label_a_mistyped_iban_is_masked_whole_as_a_compact_one_is(text: str) -> None:
    # Today's rule for a labelled IBAN: its length is enough, a wrong check digit is still someone's account.
    assert mask_pages((text,)).pages == ("IBAN: [IBAN_1]",)
    assert mask_pages(("IBAN: DE89370400440532013001",)).pages == ("IBAN: [IBAN_1]",)


@pytest.mark.parametrize(
    "text",
    [
        "Datum: 01.03.2024",
        "Betrag: 1.234.567,89",
        "Ref: DE89/3704",
        "IBAN: DE89/3704",
        "IBAN: DE89.3704.0044.0532.0130.00.5",
        "IBAN: DE89.3704/0044.0532.0130.00",
        "IBAN: XX89.3704.0044.0532.0130.00",
        "Ref: DE89.3704.0044.0532.0130.00",
        "Ref: DE89/3704/0044/0532/0130/00",
        "Ref: DE89_3704_0044_0532_0130_00",
        "DE89\t3704\t0044\t0532\t0130\t00",
        "USt-IdNr.: DE 123 456 789",
        "IBAN: 01.03.2024",
    ],
)
def test_look_alikes_and_unlabelled_forms_stay_visible(text: str) -> None:
    assert mask_pages((text,)).pages == (text,)


def test_an_unlabelled_iban_in_groups_of_spaces_or_dashes_is_masked_as_before() -> None:
    text = f"Ref: {VALID[:4]}-{VALID[4:8]}-{VALID[8:12]}-{VALID[12:16]}-{VALID[16:20]}-{VALID[20:]}"
    assert mask_pages((text,)).pages == ("Ref: [IBAN_1]",)


def test_without_a_label_a_space_after_the_country_code_is_read_when_the_check_digits_hold() -> None:
    masked = mask_pages(("Please pay to DE 89 3704 0044 0532 0130 00 within 14 days",))
    assert masked.pages == ("Please pay to [IBAN_1] within 14 days",)
    assert mask_pages(("GB 29 NWBK 6016 1331 9268 19",)).pages == ("[IBAN_1]",)
    # Check digits that do not hold, printed in groups of four: a mistyped IBAN, masked whole (not half as a phone).
    assert mask_pages(("DE 89 3704 0044 0532 0130 01",)).pages == ("[IBAN_1]",)
