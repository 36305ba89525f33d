"""Currency codes, unambiguous symbols and words; "$" and "¥" name no single currency."""

from __future__ import annotations

import pytest

from claimflow.state.normalize import currency_mentions, currency_readings, normalize_value
from claimflow.state.normalize.currency import is_currency_code


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Total 12,00 €", "EUR"),
        ("€12.00", "EUR"),
        ("RM62.80", "MYR"),
        ("TOTAL RM 62.80", "MYR"),
        ("£ 5.00", "GBP"),
        ("US$ 5.00", "USD"),
        ("S$ 5.00", "SGD"),
        ("HK$ 5.00", "HKD"),
        ("paid in euros", "EUR"),
        ("Ringgit Malaysia", "MYR"),
        ("Amount CHF 1'234.56", "CHF"),
        ("USD 10.00", "USD"),
        ("10,00 EUR", "EUR"),
    ],
)
def test_codes_symbols_and_words(text: str, code: str) -> None:
    assert currency_readings(text) == {code}


@pytest.mark.parametrize("text", ["$12.00", "Total: $ 12.00", "¥500", "12.00"])
def test_ambiguous_symbols_and_bare_numbers_name_no_currency(text: str) -> None:
    assert currency_readings(text) == set()


@pytest.mark.parametrize("text", ["EUROPE 7", "PERMIT 7", "FORM 12", "XYZ 10", "USDA grade", "SEURAT"])
def test_codes_and_symbols_inside_words_are_not_currencies(text: str) -> None:
    assert currency_readings(text) == set()


def test_mentions_carry_offsets() -> None:
    text = "Net 10,00 EUR, paid RM 5.00"
    mentions = currency_mentions(text)
    assert [(code, text[start:end]) for code, start, end in mentions] == [("EUR", "EUR"), ("MYR", "RM")]


def test_two_currencies_give_two_readings() -> None:
    assert currency_readings("10,00 EUR (11.00 USD)") == {"EUR", "USD"}


@pytest.mark.parametrize(
    ("value", "expected"),
    [("EUR", "EUR"), ("eur", "EUR"), (" usd ", "USD"), ("€", "EUR"), ("RM", "MYR"), ("US$", "USD"),
     ("$", None), ("XYZ", None), ("EURO", "EUR"), ("EUR USD", None), ("", None)],
)  # fmt: skip
def test_normalize_currency(value: str, expected: str | None) -> None:
    assert normalize_value("currency", value) == expected


def test_only_known_iso_codes_are_codes() -> None:
    assert is_currency_code("EUR")
    assert not is_currency_code("eur")
    assert not is_currency_code("EUX")
