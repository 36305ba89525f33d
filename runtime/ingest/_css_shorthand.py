"""Shorthand declarations read as the longhands the hiding rules look at.

`font: 0/0 a` sets the font size to zero as `font-size:0` does, and `margin: 0 0 0 -9999px` the left
margin as `margin-left` does. Each shorthand is turned into its longhand where it is declared, so a later
declaration of either wins, as in a browser.
"""

from __future__ import annotations

from claimflow.runtime.ingest._css_units import SIZE

__all__ = ["longhands"]

_WIDE_KEYWORDS = frozenset(("inherit", "initial", "unset", "revert", "revert-layer"))
_SYSTEM_FONTS = frozenset(("caption", "icon", "menu", "message-box", "small-caption", "status-bar"))
_SIZE_KEYWORDS = frozenset(
    ("xx-small", "x-small", "small", "medium", "large", "x-large", "xx-large", "xxx-large", "smaller", "larger")
)
_ANGLES = frozenset(("deg", "grad", "rad", "turn"))
"""Units of `oblique 10deg`, the font style's angle: never a size."""


def _font_size(value: str) -> str | None:
    """The font size a `font` shorthand sets: `0` of `0/0 a`, `medium` for a system font; None if it sets none.

    A size is the first length, percentage, zero or size keyword; other bare numbers are weights (`700`).
    """
    if value in _WIDE_KEYWORDS:
        return value
    if value in _SYSTEM_FONTS:
        return "medium"
    for token in value.replace("/", " / ").split():
        if token == "/":
            return None  # a line height with no size before it: not a valid shorthand
        if token in _SIZE_KEYWORDS:
            return token
        match = SIZE.match(token)
        if match is not None and match["unit"] not in _ANGLES and (match["unit"] or float(match["number"]) == 0):
            return token
    return None


def _left(value: str) -> str | None:
    """The left side of a `margin` or `padding` shorthand of one to four values (top, right, bottom, left)."""
    values = value.split()
    if not 1 <= len(values) <= 4:
        return None
    return values[{1: 0, 2: 1, 3: 1, 4: 3}[len(values)]]


def longhands(name: str, value: str) -> dict[str, str]:
    """The declarations a shorthand (`font`, `margin`, `padding`) sets that hiding depends on; others as given.

    Args:
        name: The property, lower-cased.
        value: Its value, lower-cased, `!important` removed.

    Returns:
        Longhand names and values; empty when the shorthand sets nothing read here or cannot be read.
    """
    if name == "font":
        size = _font_size(value)
        return {} if size is None else {"font-size": size}
    if name in ("margin", "padding"):
        left = value if value in _WIDE_KEYWORDS else _left(value)
        return {} if left is None else {f"{name}-left": left}
    if name == "-webkit-clip-path":
        return {"clip-path": value}
    return {name: value}
