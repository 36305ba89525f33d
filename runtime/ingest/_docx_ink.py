"""Whether a run's text can be seen: not in the colour of what is behind it, and not too small to read.

As the HTML reader judges it (`_css.py`): text whose colour is that of its background (within a few steps per
channel), or whose size is below one pixel (`w:sz` under 2 half-points), is not seen. The background is the
run's highlight (`w:highlight`), else its shading (`w:shd`), else its paragraph's shading, else the page's
colour (`w:background`, white when not set). A shading with a pattern, or any other background not known
here, leaves the colour unjudged; so do table cells and text boxes, whose fills come from table styles and
shapes that are not read: white text on a dark header row is common and must stay.
"""

from __future__ import annotations

import re

from claimflow.runtime.ingest._css import MIN_FONT_PIXELS, WHITE, Rgba, unseen_colour
from claimflow.runtime.ingest._css_units import PIXELS
from claimflow.runtime.ingest._wordml import attribute, integer

__all__ = ["INK", "Ink", "ink_value", "page_colour", "unseen"]

INK = ("color", "sz", "highlight", "shd")
"""The run properties that say how a run's text looks against its background, as `Ink` keeps them."""

Ink = dict[str, str]
"""Values of the run properties in `INK`, by name (`w:shd` as its pattern and fill, `clear 1F3864`)."""

_HEX = re.compile(r"[0-9A-Fa-f]{6}")
_UNKNOWN: Rgba = (-1000, -1000, -1000, 1.0)
"""A background not known here: no colour is ever the same as it."""
_HIGHLIGHTS = {
    "black": "000000", "blue": "0000FF", "cyan": "00FFFF", "green": "00FF00", "magenta": "FF00FF", "red": "FF0000",
    "yellow": "FFFF00", "white": "FFFFFF", "darkBlue": "000080", "darkCyan": "008080", "darkGreen": "008000",
    "darkMagenta": "800080", "darkRed": "800000", "darkYellow": "808000", "darkGray": "808080",
    "lightGray": "C0C0C0",
}  # fmt: skip


def ink_value(name: str, attributes: dict[str, str]) -> str:
    """The value `Ink` keeps of a run property in `INK` (of `w:shd`: its pattern and its fill)."""
    if name == "shd":
        return f"{attribute(attributes, 'val') or 'clear'} {attribute(attributes, 'fill') or 'auto'}"
    return attribute(attributes, "val") or ""


def _rgb(value: str | None) -> Rgba | None:
    """A `RRGGBB` colour, or None for `auto`, a missing value or one not in that form."""
    if value is None or not _HEX.fullmatch(value):
        return None
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16), 1.0


def page_colour(value: str | None) -> Rgba:
    """The page's colour from `w:background w:color`: white unless a colour is set."""
    return _rgb(value) or WHITE


def _shading(value: str | None, behind: Rgba) -> Rgba:
    """The background a shading (`pattern fill`) makes over `behind`: its fill when clear, unknown when patterned."""
    if value is None:
        return behind
    pattern, _, fill = value.partition(" ")
    if pattern == "nil":
        return behind
    if pattern != "clear":
        return _UNKNOWN
    return behind if fill in ("", "auto") else _rgb(fill) or _UNKNOWN


def unseen(ink: Ink, paragraph_shading: str | None, page: Rgba) -> bool:
    """Whether text of this ink cannot be seen: the colour of its background, or smaller than a pixel."""
    size = integer(ink, "sz")  # a plain number of at most nine digits: `²` or `-4` is no size, the part untrusted
    if size is not None and 0 <= size and size / 2 * PIXELS["pt"] < MIN_FONT_PIXELS:
        return True
    highlight = ink.get("highlight")
    if highlight is not None and highlight != "none":
        background = _rgb(_HIGHLIGHTS.get(highlight)) or _UNKNOWN
    else:
        background = _shading(ink.get("shd"), _shading(paragraph_shading, page))
    return unseen_colour(_rgb(ink.get("color")), background)
