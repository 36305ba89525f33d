"""Masking takes time linear in the text: long lines of look-alikes and of real values.

No bound on seconds (a shared machine's speed says nothing about the code): the same line is masked at a
quarter and at the whole of a long page's size, and the time may grow about four times, not sixteen (a
quadratic pass) or worse (backtracking). The two sizes take turns, five runs each, and the fastest of each is
compared: a busy moment of a shared machine stays out of the ratio. The time is the process's CPU time, not the
wall clock's: other processes on the machine (the other test workers) do not count in it.
"""

from __future__ import annotations

import time

import pytest

from claimflow.state.masking import MaskResult, mask_pages

SIZE = 176_000
"""About the size of a long page's text layer, on one line."""
MAX_GROWTH = 8.0
"""Four times the text may take at most this many times as long: linear is about 4, quadratic 16."""
REPEATS = 5
"""Runs of each size; the fastest of each is compared."""


def _one_line(unit: str, size: int = SIZE) -> str:
    return unit * (size // len(unit))


def _timed(text: str) -> tuple[float, MaskResult]:
    started = time.process_time()
    result = mask_pages((text,))
    return time.process_time() - started, result


def _masked_linearly(unit: str) -> MaskResult:
    """Mask a long line of `unit`, check the time grew linearly from a quarter of it, and return the result."""
    short, long = _one_line(unit, SIZE // 4), _one_line(unit)
    quarters, wholes = [], []
    for _ in range(REPEATS):  # taking turns, so a busy moment of the machine falls on both sizes alike
        quarters.append(_timed(short)[0])
        elapsed, result = _timed(long)
        wholes.append(elapsed)
    quarter, whole = min(quarters), min(wholes)
    growth = whole / max(quarter, 1e-6)
    assert growth < MAX_GROWTH, f"4x the text of {unit!r} took {growth:.1f}x as long ({quarter:.3f} s, {whole:.3f} s)"
    return result


@pytest.mark.parametrize(
    "unit",
    [
        "01.02.2024 ",
        "12.34 ",
        "12 34 ",
        "030 ",
        "4111 ",
        "0 ",
        "1 555 123 ",
        "IBAN: DE89.3704.0044 ",
        "IBAN:DE89/",
        "4111 1111\n",
        "4111 1111 1111\n",
        "+44 20\n",
        "Tel 0\n",
        "DE89 3704 ",
        "IBAN DE89 3704 ",
    ],
)
def test_a_long_line_of_look_alikes_is_masked_in_linear_time_and_left_as_it_is(unit: str) -> None:
    result = _masked_linearly(unit)
    assert result.pages == (_one_line(unit),)


@pytest.mark.parametrize(
    ("unit", "placeholder"),
    [
        ("Tel: 555-123-4567 ", "[PHONE_1]"),
        ("jane(at)example.org ", "[EMAIL_1]"),
        ("DE89 3704 0044 0532 0130 00 ", "[IBAN_1]"),
        ("IBAN: DE89.3704.0044.0532.0130.00 ", "[IBAN_1]"),
        ("4111.1111.1111.1111 ", "[CARD_1]"),
        ("DE89 3704 0044 0532 0130, ", "[IBAN_1]"),
        ("Card 4111 1111\n1111 1111 ", "[CARD_1]"),
        ("+44 20\n7946 0958 ", "[PHONE_1]"),
        ("SSN: 123-45-6789 ", "[NATIONAL_ID_1]"),
        ("AB 12 34 56 C ", "[NATIONAL_ID_1]"),
        ("Steuer-ID: 86 095 742 719, ", "[NATIONAL_ID_1]"),
        ("4111 11** **** 1111, ", "[CARD_1]"),
        ("************1234; ", "[CARD_1]"),
    ],
)
def test_a_long_line_of_one_value_masks_every_occurrence_in_linear_time(unit: str, placeholder: str) -> None:
    result = _masked_linearly(unit)
    assert len(result.replacements) == SIZE // len(unit)
    assert {r.placeholder for r in result.replacements} == {placeholder}
