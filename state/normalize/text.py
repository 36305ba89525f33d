"""Comparisons for free text and identifiers."""

from __future__ import annotations

import re

_SPACE = re.compile(r"\s+")
_NOT_ALNUM = re.compile(r"[\W_]+", re.UNICODE)


def collapse_space(text: str) -> str:
    """Collapse every run of white space to one space and strip the ends."""
    return _SPACE.sub(" ", text).strip()


def fold(text: str) -> str:
    """Case-fold and collapse white space: the form free-text values are compared in."""
    return collapse_space(text).casefold()


def compact(text: str) -> str:
    """Keep letters and digits only, case-folded: identifiers print with spaces and dashes."""
    return _NOT_ALNUM.sub("", text).casefold()
