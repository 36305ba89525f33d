"""National identity numbers are masked when their format or check digits hold; look-alikes stay visible."""

from __future__ import annotations

import pytest

from claimflow.state.masking import mask_pages


def _masked(text: str) -> str:
    return mask_pages((text,)).pages[0]


# Lines as forms, payslips and letters print them; each number passes its country's checks.
MASKED = [
    ("Employee SSN: 123-45-6789", "Employee SSN: [NATIONAL_ID_1]"),
    ("Social Security No.: 123 45 6789", "Social Security No.: [NATIONAL_ID_1]"),
    ("Social Security Number 123456789", "Social Security Number [NATIONAL_ID_1]"),
    ("Soc. Sec. No. 078-05-1120, date of birth 01/02/1980", "Soc. Sec. No. [NATIONAL_ID_1], date of birth 01/02/1980"),
    ("Claimant: John Smith, 123-45-6789, Springfield", "Claimant: John Smith, [NATIONAL_ID_1], Springfield"),
    ("NI number: AB 12 34 56 C", "NI number: [NATIONAL_ID_1]"),
    ("National Insurance No. AB123456C", "National Insurance No. [NATIONAL_ID_1]"),
    ("National insurance number: ab 123456 c", "National insurance number: [NATIONAL_ID_1]"),
    ("Employee: J. Smith  AB 12 34 56 C  Tax code 1257L", "Employee: J. Smith  [NATIONAL_ID_1]  Tax code 1257L"),
    ("BSN: 111222333", "BSN: [NATIONAL_ID_1]"),
    ("Burgerservicenummer 1112.22.333", "Burgerservicenummer [NATIONAL_ID_1]"),
    ("BSN-nummer: 123 456 782", "BSN-nummer: [NATIONAL_ID_1]"),
    ("Steuer-ID: 86 095 742 719", "Steuer-ID: [NATIONAL_ID_1]"),
    ("Steuerliche Identifikationsnummer 65929970489", "Steuerliche Identifikationsnummer [NATIONAL_ID_1]"),
    ("IdNr. 47036892816", "IdNr. [NATIONAL_ID_1]"),
    ("N° de sécurité sociale : 2 69 05 49 588 157 80", "N° de sécurité sociale : [NATIONAL_ID_1]"),
    ("NIR 269054958815780", "NIR [NATIONAL_ID_1]"),
    ("DNI: 12345678Z", "DNI: [NATIONAL_ID_1]"),
    ("D.N.I. 12.345.678-Z", "D.N.I. [NATIONAL_ID_1]"),
    ("NIE X1234567L", "NIE [NATIONAL_ID_1]"),
]
# Near misses: failing checks, numbers no label names, document numbers, dates, phone numbers, amounts, IBANs.
VISIBLE = [
    "SSN: 000-12-3456",
    "SSN: 666-12-3456",
    "SSN: 923-45-6789",
    "SSN: 123-00-6789",
    "123 45 6789",
    "123456789",
    "Invoice No. 123-45-6789",
    "Order #: 123-45-6789",
    "Part 123-45-6789-1",
    "Part No. 123-45-6789",
    "P/N 123-45-6789",
    "Model: 123-45-6789",
    "Serial no 123-45-6789",
    "Lot 123-45-6789",
    "Batch: 123-45-6789",
    "Cat. No. 123-45-6789",
    "INV-123-45-6789",
    "12-34-5678",
    "2024-01-15",
    "555-123-4567",
    "1,234-56-7890",
    "QQ 12 34 56 C",
    "GB 12 34 56 C",
    "DF 12 34 56 A",
    "AB123456C",
    "AB 12 34 56 E",
    "BSN: 123456789",
    "Steuer-ID: 12345678901",
    "Steuernummer 86095742719",
    "St.-Nr. 12/345/67890",
    "NIR 269054958815781",
    "DNI 12345678A",
    "NIF: 12345678Z",
    "B12345678",
    "DE89 3704 0044 0532 0130 00",
    "EAN 4006381333931",
    "Total 123.45 EUR",
]


@pytest.mark.parametrize(("text", "masked"), MASKED)
def test_a_national_id_is_masked_as_its_own_kind(text: str, masked: str) -> None:
    assert _masked(text) == masked


@pytest.mark.parametrize("text", VISIBLE)
def test_look_alikes_of_a_national_id_stay_visible(text: str) -> None:
    assert "NATIONAL_ID" not in _masked(f"Item {text} end")


def test_the_same_number_keeps_its_placeholder_and_maps_back() -> None:
    result = mask_pages(("SSN: 123-45-6789", "Ref. SSN 123-45-6789; BSN: 111222333"))
    assert result.pages == ("SSN: [NATIONAL_ID_1]", "Ref. SSN [NATIONAL_ID_1]; BSN: [NATIONAL_ID_2]")
    assert {r.placeholder: r.original for r in result.replacements} == {
        "[NATIONAL_ID_1]": "123-45-6789",
        "[NATIONAL_ID_2]": "111222333",
    }


def test_a_number_behind_a_phone_label_stays_a_phone_number() -> None:
    assert _masked("Tel 123-45-6789") == "Tel [PHONE_1]"
