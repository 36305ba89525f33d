"""CSS lengths and percentages as numbers: what the hiding rules of `_css.py` and `_css_box.py` compare."""

from __future__ import annotations

import re

__all__ = ["PIXELS", "RELATIVE", "SIZE", "Dimension", "dimension", "length_pixels"]

SIZE = re.compile(r"^(?P<number>[+-]?(?:\d+\.?\d*|\.\d+))(?P<unit>[a-z%]*)$")
"""A number and its unit (`-9999px`, `.5em`, `50%`, `0`), spaces removed first."""
PIXELS = {"px": 1.0, "pt": 96 / 72, "pc": 16.0, "in": 96.0, "cm": 96 / 2.54, "mm": 96 / 25.4, "q": 96 / 101.6}
"""Pixels per unit of the absolute lengths (CSS fixes 96 px to the inch)."""
RELATIVE = frozenset(("em", "%", "ex", "ch", "cap", "ic", "lh"))
"""Font sizes relative to the parent's: a zero stays zero whatever the factor."""
_FONT_PIXELS = 16.0
"""An `em` or `rem` taken at the browsers' default font size: a length far off the page stays far off."""

Dimension = tuple[float, str]
"""A length as pixels (`"px"`) or a percentage (`"%"`)."""


def dimension(value: str) -> Dimension | None:
    """A length in pixels or a percentage; None for a keyword, a function or a unit not known here.

    A zero is zero pixels whatever its unit, so `0%` and `0` compare with any length.
    """
    match = SIZE.match(value.replace(" ", ""))
    if match is None:
        return None
    number, unit = float(match["number"]), match["unit"]
    if number == 0:
        return 0.0, "px"
    if unit == "%":
        return number, "%"
    if unit in ("em", "rem"):
        return number * _FONT_PIXELS, "px"
    pixels = PIXELS.get(unit or "px")
    return None if pixels is None else (number * pixels, "px")


def length_pixels(value: str) -> float | None:
    """A length in pixels (`-9999px`, `-100em` at 16 px), None for a keyword, a percentage or a function."""
    found = dimension(value)
    return found[0] if found is not None and found[1] == "px" else None
