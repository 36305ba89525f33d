"""Money amounts in every grouping and decimal convention, and what is not an amount."""

from __future__ import annotations

from decimal import Decimal

import pytest

from claimflow.state.normalize import amount_readings, find_amounts, format_amount, normalize_value, parse_amount
from claimflow.state.normalize.amounts import MAX_WHOLE_DIGITS, CreditMarks, too_large_amount


@pytest.mark.parametrize(
    "text",
    ["1.234,56", "1,234.56", "1'234.56", "1234,56", "1234.56"],
)
def test_grouping_and_decimal_conventions_read_the_same(text: str) -> None:
    assert parse_amount(text) == Decimal("1234.56")
    assert amount_readings(f"Total {text} EUR") == {Decimal("1234.56")}


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1.234.567,89", "1234567.89"), ("1,234,567", "1234567"), ("12,5", "12.5"), ("0,99", "0.99"), ("7", "7")],
)
def test_other_shapes(text: str, expected: str) -> None:
    assert parse_amount(text) == Decimal(expected)


def test_a_separator_before_three_digits_groups_thousands() -> None:
    assert parse_amount("1.234") == Decimal("1234")
    assert parse_amount("1,234") == Decimal("1234")


@pytest.mark.parametrize("text", ["-2,00", "\u22122,00"])
def test_negative_amounts(text: str) -> None:
    assert parse_amount(text) == Decimal("-2.00")
    assert amount_readings(f"Discount {text}") == {Decimal("-2.00")}


def test_amount_glued_to_a_currency_symbol() -> None:
    (match,) = find_amounts("RM62.80")
    assert match.value == Decimal("62.80")
    assert "RM62.80"[match.start : match.end] == "62.80"


def test_space_grouped_number_reads_as_one_amount_and_as_its_parts() -> None:
    assert amount_readings("Total 1 234,56") == {Decimal("1234.56"), Decimal("1"), Decimal("234.56")}


def test_space_grouped_with_no_break_space() -> None:
    assert Decimal("1234.56") in amount_readings("Total 1\u00a0234,56 EUR")


def test_parse_amount_accepts_a_space_grouped_number_as_a_whole() -> None:
    assert parse_amount("1 234,56") == Decimal("1234.56")


def test_invoice_number_is_not_a_negative_amount() -> None:
    assert Decimal("-2023") not in amount_readings("INV-2023")
    assert parse_amount("INV-2023") is None


def test_hyphenated_reference_does_not_yield_negative_parts() -> None:
    assert all(value >= 0 for value in amount_readings("Ref AB-12-345"))


@pytest.mark.parametrize("text", ["01.01.24", "12.03.2024", "Date: 06.06.25"])
def test_dotted_dates_are_not_amounts(text: str) -> None:
    assert amount_readings(text) == set()


@pytest.mark.parametrize("text", ["abc", "", "12.34.56,7", "1.2.3", "EUR"])
def test_parse_amount_refuses_what_is_not_one_amount(text: str) -> None:
    assert parse_amount(text) is None


def test_parse_amount_refuses_text_around_the_number() -> None:
    assert parse_amount("Total 160,65") is None
    assert parse_amount(" 160,65 ") == Decimal("160.65")


def test_find_amounts_is_ordered_by_position_with_offsets() -> None:
    text = "Net 135,00 VAT 25,65 Total 160,65"
    matches = find_amounts(text)
    assert [m.value for m in matches] == [Decimal("135.00"), Decimal("25.65"), Decimal("160.65")]
    assert [text[m.start : m.end] for m in matches] == ["135,00", "25,65", "160,65"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("15291.5"), "15291.50"),
        (Decimal("3"), "3.00"),
        (Decimal("-2"), "-2.00"),
        (Decimal("0.1"), "0.10"),
        (Decimal("160.65"), "160.65"),
        (Decimal("1.234"), "1.234"),
        (Decimal("1E+3"), "1000.00"),
    ],
)
def test_format_amount(value: Decimal, expected: str) -> None:
    assert format_amount(value) == expected


@pytest.mark.parametrize(
    "text", ["-£456.00", "\u2212£456.00", "(£456.00)", "($ 456.00)", "(USD 456.00)", "-EUR 456,00", "(£456)", "-£456"]
)
def test_a_sign_or_bracket_before_the_currency_makes_the_amount_negative(text: str) -> None:
    # A credit note's total read as positive would be a charge.
    assert amount_readings(f"Total (GBP) {text}") == {Decimal("-456.00")}


@pytest.mark.parametrize("text", ["Total - £456.00", "Ref AB-£456.00", "(VAT £456.00", "(incl. VAT £456.00)"])
def test_a_dash_or_bracket_away_from_the_currency_is_no_sign(text: str) -> None:
    assert amount_readings(text) == {Decimal("456.00")}


@pytest.mark.parametrize("lead", ["", "Refund\n", "Refund\t", "Refund   ", "Refund: ", "Refund = "])
@pytest.mark.parametrize("written", ["- £612.40", "\u2212 £612.40", "-\u00a0£612.40", "- USD 612.40", "- 612.40"])
def test_a_minus_one_space_before_the_amount_with_no_label_before_it_is_its_sign(lead: str, written: str) -> None:
    # A statement's amount column prints `- 612.40`: read as positive, money out would prove money in.
    assert amount_readings(lead + written) == {Decimal("-612.40")}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Total - £612.40", {"612.40"}),
        ("Total - 612.40", {"612.40"}),
        ("Subtotal \u2013 612.40", {"612.40"}),
        ("Total -  612.40", {"612.40"}),
        ("-   612.40", {"612.40"}),  # a lone dash a column gap away: an empty column
        ("10.00 - 612.40", {"10.00", "612.40"}),
        ("- 1.2 Scope", {"1.2"}),  # a list's item: no cents, no currency
        ("WA50 - 30", {"30"}),
    ],
)
def test_a_minus_after_a_label_or_figure_or_far_from_the_amount_is_a_separator(text: str, expected: set[str]) -> None:
    assert amount_readings(text) == {Decimal(value) for value in expected}


@pytest.mark.parametrize(
    ("text", "marks", "written"),
    [
        ("Refund: - £612.40 due", "accounting", "- £612.40"),
        ("Refund -£612.40 due", "accounting", "-£612.40"),
        ("Refund (£612.40) due", "accounting", "(£612.40)"),
        ("Refund ( 612.40) due", "accounting", "( 612.40)"),
        ("Refund 612.40 CR due", "accounting", "612.40 CR"),
        ("Refund 612.40- due", "accounting", "612.40-"),
        ("Refund 612.40 CR due", "statement", "612.40 CR"),
        ("Refund 612.40 DR due", "statement", "612.40 DR"),
        ("Total - £612.40 due", "accounting", "612.40"),
        ("Total 612.40 DR due", "accounting", "612.40"),
    ],
)
def test_an_amount_spans_the_marks_that_say_its_sign(text: str, marks: CreditMarks, written: str) -> None:
    (match,) = find_amounts(text, marks=marks)
    assert text[match.sign_start : match.sign_end] == written
    assert text[match.start : match.end] == "612.40"


@pytest.mark.parametrize(
    "text", ["VAT 20%", "MwSt. 19 %", "TVA 5,5\u00a0%", "Discount 15%", "IVA 21\u202f%", "IVA 1.234,5 %"]
)
def test_a_number_before_a_percent_sign_is_a_rate_not_an_amount(text: str) -> None:
    assert amount_readings(text) == set()


def test_the_amount_beside_a_rate_is_still_read() -> None:
    assert amount_readings("VAT 20% 31.60") == {Decimal("31.60")}
    assert amount_readings("Tax (7%): 3.50") == {Decimal("3.50")}


_HUGE = "123456789012345678901234567"  # 27 whole digits: with two decimals, past Decimal's 28 digits of precision


@pytest.mark.parametrize(
    "text", [_HUGE, _HUGE + ".00", "-" + _HUGE, "123.456.789.012.345.678.901.234.567,00", "9" * 19]
)
def test_a_number_of_more_whole_digits_than_an_amount_has_is_no_amount(text: str) -> None:
    assert parse_amount(text) is None
    assert too_large_amount(text)
    assert normalize_value("amount", text, None) is None
    assert find_amounts(f"Total amount: {text} EUR") == []


def test_the_largest_amount_is_read_and_written_with_its_decimals() -> None:
    largest = "9" * MAX_WHOLE_DIGITS
    assert normalize_value("amount", largest, None) == largest + ".00"
    assert parse_amount("0" * 30 + "12.50") == Decimal("12.50")  # leading zeros are no size
    assert not too_large_amount("12.50") and not too_large_amount("lots")
