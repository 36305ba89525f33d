"""Date expressions: every valid reading, and nothing for impossible dates."""

from __future__ import annotations

import pytest

from claimflow.state.normalize import date_readings, find_dates, parse_iso_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023-10-01", "2023-10-01"),
        ("2023/10/01", "2023-10-01"),
        ("06.06.2025", "2025-06-06"),
        ("13.02.2024", "2024-02-13"),
        ("31/01/2022", "2022-01-31"),
        ("1. Oktober 2023", "2023-10-01"),
        ("October 1, 2023", "2023-10-01"),
        ("12 Nov 2017", "2017-11-12"),
        ("3rd of March 2021", "2021-03-03"),
        ("Sept. 5, 2020", "2020-09-05"),
    ],
)
def test_single_reading(text: str, expected: str) -> None:
    assert date_readings(text) == {expected}


def test_dotted_numeric_date_is_day_first_only() -> None:
    (match,) = find_dates("Invoice date: 02.03.2024")
    assert match.readings == ("2024-03-02",)
    assert not match.ambiguous


@pytest.mark.parametrize("text", ["01/02/2023", "01-02-2023"])
def test_slash_or_dash_date_that_reads_both_ways_gives_both(text: str) -> None:
    (match,) = find_dates(text)
    assert set(match.readings) == {"2023-02-01", "2023-01-02"}
    assert match.ambiguous


def test_same_day_and_month_is_not_ambiguous() -> None:
    (match,) = find_dates("05/05/2023")
    assert match.readings == ("2023-05-05",)


def test_match_offsets_cover_the_expression() -> None:
    text = "Due date: 11 April 2024, payable"
    (match,) = find_dates(text)
    assert text[match.start : match.end] == "11 April 2024"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("06.06.25", {"2025-06-06"}), ("31/01/22", {"2022-01-31"}), ("5 Jan 24", {"2024-01-05"})],
)
def test_two_digit_years_are_20yy(text: str, expected: set[str]) -> None:
    assert date_readings(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "12 Mar 15 Mar",  # a statement's booking and value dates
        "12 Mar 23.40",  # a booking date, then the amount
        "12 Mar 23,40",
        "12 Mar 14:30",  # a time
        "12 Mar  15  Mar  Card payment",
    ],
)
def test_two_digits_after_a_day_and_month_are_no_year_when_decimals_a_time_or_a_month_follow(text: str) -> None:
    assert date_readings(text) == set()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12 Mar 24, 14:30", {"2024-03-12"}),
        ("12 Mar 24 Card payment", {"2024-03-12"}),
        ("12 Mar 2024 15 Mar", {"2024-03-12"}),
    ],
)
def test_a_short_year_followed_by_other_words_is_still_a_year(text: str, expected: set[str]) -> None:
    assert date_readings(text) == expected


@pytest.mark.parametrize("text", ["31/02/2023", "30.02.2024", "2023-13-45", "32 March 2024", "00.01.2024"])
def test_invalid_dates_give_nothing(text: str) -> None:
    assert date_readings(text) == set()


def test_only_the_valid_reading_of_a_slash_date_survives() -> None:
    # 13/02 can only be day-first; 02/13 only month-first.
    assert date_readings("13/02/2023") == {"2023-02-13"}
    assert date_readings("02/13/2023") == {"2023-02-13"}


def test_several_dates_in_one_text_are_found_in_order() -> None:
    matches = find_dates("Issued 12.03.2024, due 11 April 2024")
    assert [m.readings for m in matches] == [("2024-03-12",), ("2024-04-11",)]


def test_amounts_and_phone_fragments_are_not_dates() -> None:
    assert date_readings("Total 1.234,56 EUR") == set()
    assert date_readings("Qty 12") == set()


@pytest.mark.parametrize(
    ("value", "expected"),
    [("2024-03-12", "2024-03-12"), (" 2024-03-12 ", "2024-03-12"), ("2024-3-12", None), ("2024-02-30", None),
     ("12.03.2024", None), ("", None)],
)  # fmt: skip
def test_parse_iso_date_is_strict(value: str, expected: str | None) -> None:
    parsed = parse_iso_date(value)
    assert (parsed.isoformat() if parsed else None) == expected


def test_a_day_of_phrase_wrapped_across_lines_is_read() -> None:
    [match] = find_dates("made this 15th \nday of May, 1996 by and between")
    assert match.readings == ("1996-05-15",)


def test_a_bare_day_and_month_on_different_lines_are_not_joined() -> None:
    assert find_dates("Room 12\nMay 2020 schedule") == []
