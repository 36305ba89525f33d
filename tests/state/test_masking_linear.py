"""Masking takes time linear in the text: long pages of look-alikes and of real values finish quickly.

The bound is generous (a shared machine may be slow); a quadratic or backtracking pass takes minutes here.
"""

from __future__ import annotations

import time

import pytest

from claimflow.state.masking import mask_pages

SIZE = 176_000
"""About the size of a long page's text layer, on one line."""
BOUND_S = 5.0


def _one_line(unit: str) -> str:
    return unit * (SIZE // len(unit))


@pytest.mark.parametrize(
    "unit",
    ["01.02.2024 ", "12.34 ", "12 34 ", "030 ", "4111 ", "0 "],
)
def test_a_long_line_of_look_alikes_is_masked_quickly_and_left_as_it_is(unit: str) -> None:
    text = _one_line(unit)
    started = time.perf_counter()
    result = mask_pages((text,))
    elapsed = time.perf_counter() - started
    assert elapsed < BOUND_S, f"{elapsed:.1f} s for {len(text)} characters of {unit!r}"
    assert result.pages == (text,)


@pytest.mark.parametrize(
    ("unit", "placeholder"),
    [
        ("Tel: 555-123-4567 ", "[PHONE_1]"),
        ("jane(at)example.org ", "[EMAIL_1]"),
        ("DE89 3704 0044 0532 0130 00 ", "[IBAN_1]"),
        ("4111.1111.1111.1111 ", "[CARD_1]"),
    ],
)
def test_a_long_line_of_one_value_masks_every_occurrence_quickly(unit: str, placeholder: str) -> None:
    text = _one_line(unit)
    started = time.perf_counter()
    result = mask_pages((text,))
    elapsed = time.perf_counter() - started
    assert elapsed < BOUND_S, f"{elapsed:.1f} s for {len(text)} characters of {unit!r}"
    assert len(result.replacements) == SIZE // len(unit)
    assert {r.placeholder for r in result.replacements} == {placeholder}
