"""Whether a stretch of a page starts and ends where its words do: `1` is not written in `112.00`.

A quote is found by its characters, and the value is then read from the quote alone; a quote cut out of a longer
word or number (`Total: 1` from `Total: 112.00`, `INV-2024-01` from `INV-2024-0117`, `invoice` from
`invoiced`) would prove a value the page does not state. So a quote must begin and end at the edges of the
page's words: no letter or digit on both sides of either end, and no number running on through a decimal or
grouping mark (`112` from `112.00`, `1,234` from `1,234.56`).

An invisible format character (a zero-width space, a soft hyphen, a word joiner: Unicode category Cf) is no
edge: `31.60` is cut out of `1\u200b31.60`, which a reader sees as `131.60`.

Scripts written without spaces between words (Chinese, Japanese, Thai, ...) have no such edges: there a letter
next to a quote does not continue it, and only digits are held to their numbers.
"""

from __future__ import annotations

from claimflow.state.normalize.text import is_format

_UNSPACED_SCRIPTS = (
    (0x0E00, 0x0EFF),  # Thai, Lao
    (0x0F00, 0x0FFF),  # Tibetan
    (0x1000, 0x109F),  # Myanmar
    (0x1780, 0x17FF),  # Khmer
    (0x2E80, 0xABFF),  # CJK radicals, kana, CJK ideographs, Yi, ... (Hangul syllables, written with spaces, follow)
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFF00, 0xFFEF),  # full-width and half-width forms
    (0x20000, 0x3FFFF),  # CJK extensions
)
_NUMBER_MARKS = frozenset(".,'")
"""Marks that join the digits on either side into one number: decimal points, commas, Swiss grouping."""


def _in_word(char: str) -> bool:
    """A letter or digit that runs on into the one beside it (not in a script written without spaces)."""
    if not char.isalnum():
        return False
    if char.isdigit():
        return True
    code = ord(char)
    return not any(low <= code <= high for low, high in _UNSPACED_SCRIPTS)


def _runs_on(page: str, inner: int, outer: int, beyond: int) -> bool:
    """Whether the word or number at `page[inner]` continues through `page[outer]` (one step outwards)."""
    if not 0 <= outer < len(page):
        return False
    near, far = page[inner], page[outer]
    if _in_word(near) and _in_word(far):
        return True
    # A digit, a mark, a digit: one number (`112.00`), however the quote cut it.
    return near.isdigit() and far in _NUMBER_MARKS and 0 <= beyond < len(page) and page[beyond].isdigit()


def _drawn(page: str, index: int, step: int, stop: int) -> int:
    """The first index from `index` on, by `step`, whose character is drawn (no format character), short of `stop`."""
    while index != stop and 0 <= index < len(page) and is_format(page[index]):
        index += step
    return index


def _cut_at(page: str, inner: int, step: int, stop: int) -> bool:
    """Whether the stretch's drawn end at `inner` runs on outwards (by `step`), over any format characters."""
    inner = _drawn(page, inner, -step, stop)
    if inner == stop:
        return False  # nothing drawn in the stretch
    outer = _drawn(page, inner + step, step, -2)
    beyond = _drawn(page, outer + step, step, -2)
    return _runs_on(page, inner, outer, beyond)


def cut_word(page: str, start: int, end: int) -> str | None:
    """The page's word or number that `page[start:end]` is cut out of, or None when both its ends are edges."""
    if start >= end:
        return None
    if not (_cut_at(page, start, -1, end) or _cut_at(page, end - 1, 1, start - 1)):
        return None
    left = start
    while left > 0 and not page[left - 1].isspace():
        left -= 1
    right = end
    while right < len(page) and not page[right].isspace():
        right += 1
    return page[left:right]
