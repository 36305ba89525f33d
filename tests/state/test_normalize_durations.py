"""Contract terms rendered canonically: "<n> <unit>s"."""

from __future__ import annotations

from decimal import Decimal

import pytest

from claimflow.state.normalize import duration_readings, find_durations, parse_duration
from claimflow.state.normalize.durations import canonical_duration


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("two (2) years", "2 years"),
        ("eighteen months", "18 months"),
        ("one year", "1 year"),
        ("24 months", "24 months"),
        ("a year", "1 year"),
        ("thirty-six (36) months", "36 months"),
        ("twelve (12) calendar months", "12 months"),
        ("90 days", "90 days"),
        ("1.5 years", "1.5 years"),
        ("Three Years", "3 years"),
        ("6-month", "6 months"),
    ],
)
def test_parse_duration(text: str, expected: str) -> None:
    assert parse_duration(text) == expected


def test_duration_inside_a_sentence_has_offsets() -> None:
    text = "The term of this Agreement is two (2) years from signing."
    (match,) = find_durations(text)
    assert text[match.start : match.end] == "two (2) years"
    assert match.canonical == "2 years"


def test_every_duration_in_a_text_is_a_reading() -> None:
    assert duration_readings("an initial term of 3 years, renewing for 12 months") == {"3 years", "12 months"}


@pytest.mark.parametrize("text", ["2 years and 6 months", "forever", "", "years", "Section 2"])
def test_parse_duration_refuses_none_or_several(text: str) -> None:
    assert parse_duration(text) is None


def test_words_inside_other_words_are_not_durations() -> None:
    assert duration_readings("Monday") == set()
    assert duration_readings("someone yearly") == set()


@pytest.mark.parametrize(
    ("amount", "unit", "expected"),
    [(Decimal(1), "year", "1 year"), (Decimal(2), "year", "2 years"), (Decimal("55.50"), "month", "55.5 months"),
     (Decimal("1.0"), "day", "1 day")],
)  # fmt: skip
def test_canonical_duration(amount: Decimal, unit: str, expected: str) -> None:
    assert canonical_duration(amount, unit) == expected


@pytest.mark.parametrize(
    ("text", "readings"),
    [
        ("twenty-five years", ["25 years"]),
        ("sixty-five days", ["65 days"]),
        ("forty five months", ["45 months"]),
        ("12 (twelve) months", ["12 months"]),
        ("two years and six months", []),  # a part of a compound term is no term of its own
        ("1 year, and 6 months", []),
    ],
)
def test_compound_numbers_and_terms_are_read_whole_or_not_at_all(text: str, readings: list[str]) -> None:
    assert [match.canonical for match in find_durations(text)] == readings
