"""Comparisons for free text and identifiers, and the text a reader sees without its invisible format characters."""

from __future__ import annotations

import re

_SPACE = re.compile(r"\s+")
_NOT_ALNUM = re.compile(r"[\W_]+", re.UNICODE)
_FORMAT = re.compile(
    "[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064"
    "\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]"
)
"""Format characters (Unicode category Cf): zero-width space, soft hyphen, word joiner, byte-order mark, bidi marks.

None is drawn: `1\u200b31.60` shows `131.60`, so none may split a number or a word when a value is read."""


def collapse_space(text: str) -> str:
    """Collapse every run of white space to one space and strip the ends."""
    return _SPACE.sub(" ", text).strip()


def fold(text: str) -> str:
    """Case-fold and collapse white space: the form free-text values are compared in."""
    return collapse_space(text).casefold()


def compact(text: str) -> str:
    """Keep letters and digits only, case-folded: identifiers print with spaces and dashes."""
    return _NOT_ALNUM.sub("", text).casefold()


def is_format(char: str) -> bool:
    """True for an invisible format character (Unicode category Cf): it is no gap between what stands around it."""
    return _FORMAT.fullmatch(char) is not None


def visible(text: str) -> tuple[str, list[int] | None]:
    """`text` as a reader sees it, without format characters, and where each of its characters stands in `text`.

    The positions are None when `text` holds no format character (the text is returned as it is).
    """
    if _FORMAT.search(text) is None:
        return text, None
    positions = [index for index, char in enumerate(text) if _FORMAT.fullmatch(char) is None]
    return "".join(text[index] for index in positions), positions
