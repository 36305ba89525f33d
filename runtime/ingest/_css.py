"""The CSS that hides HTML text: inline `style` attributes and `<style>` rules with simple selectors.

Only what decides whether text can be seen is read: `display`, `visibility`, `opacity`, `font-size` (and the
`font` shorthand), `color` and `background`, and what places, sizes or clips a box out of sight (`position` with
`left`/`top`, `margin-left`, `padding-left` and `text-indent`, `transform`, `width`/`height` and their maxima
with `overflow`, `clip` and `clip-path`: see `_css_box.py`).
Rules count when their selector is a tag (`small`), a class (`.note`) or an id (`#t`);
selector lists are split, anything else (descendants, attributes, pseudo-classes) is ignored, as are
at-rules (`@media print { ... }`) and external style sheets. Later rules win over earlier ones, ids
over classes over tags, and an inline style over all of them (`!important` is not weighed).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from claimflow.runtime.ingest._css_box import clipped_away, collapsed, off_screen
from claimflow.runtime.ingest._css_shorthand import longhands
from claimflow.runtime.ingest._css_units import PIXELS, RELATIVE, SIZE

__all__ = [
    "Rgba",
    "StyleSheet",
    "background_state",
    "colour_state",
    "declarations",
    "font_size_state",
    "hides_subtree",
    "parse_colour",
    "unseen_colour",
    "visibility_state",
]

_PROPERTIES = frozenset(
    (
        "display", "visibility", "opacity", "font-size", "color", "background", "background-color",
        "position", "left", "top", "text-indent", "transform", "height", "max-height", "overflow", "overflow-y",
        "width", "max-width", "overflow-x", "clip", "clip-path", "-webkit-clip-path", "font", "margin",
        "margin-left", "padding", "padding-left",
    )
)  # fmt: skip
_COMMENTS = re.compile(r"/\*.*?(?:\*/|$)", re.DOTALL)
_SIMPLE = re.compile(r"^(?P<kind>[.#]?)(?P<name>-?[A-Za-z_][\w-]*)$")
_IMPORTANT = re.compile(r"\s*!\s*important\s*$", re.IGNORECASE)
MIN_FONT_PIXELS = 1.0
"""Text set smaller than one pixel cannot be read."""
_FROM_PARENT = frozenset(("inherit", "unset", "revert", "revert-layer", "larger", "smaller"))
"""Font sizes taken from the parent's (`larger` and `smaller` scale it: a zero stays zero)."""

Rgba = tuple[int, int, int, float]
"""A colour: red, green and blue of 255, and its alpha from 0 to 1."""
WHITE: Rgba = (255, 255, 255, 1.0)
_NAMED: dict[str, Rgba] = {"white": WHITE, "black": (0, 0, 0, 1.0), "transparent": (0, 0, 0, 0.0)}
_HEX = re.compile(r"^#(?P<digits>[0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$")
_FUNCTION = re.compile(r"^rgba?\((?P<args>[^()]*)\)$")
# Channels this close (of 255) count as the same colour: 95% and paper are not told apart.
_SAME_COLOUR = 13


def declarations(style: str) -> dict[str, str]:
    """The hiding-related declarations of one style text (`display:none; color:red`), values lower-cased."""
    found: dict[str, str] = {}
    for part in _COMMENTS.sub("", style).split(";"):
        name, colon, value = part.partition(":")
        name = name.strip().lower()
        if colon and name in _PROPERTIES:
            found.update(longhands(name, _IMPORTANT.sub("", value.strip().lower())))
    return found


@dataclass
class StyleSheet:
    """The hiding-related rules of a document's `<style>` elements, by simple selector."""

    tags: dict[str, dict[str, str]] = field(default_factory=dict)
    classes: dict[str, dict[str, str]] = field(default_factory=dict)
    ids: dict[str, dict[str, str]] = field(default_factory=dict)

    @classmethod
    def parse(cls, css: str) -> StyleSheet:
        """Read the rules of a style sheet in one pass; what it does not understand is skipped."""
        sheet = cls()
        text = _COMMENTS.sub("", css)
        position = 0
        while (brace := text.find("{", position)) >= 0:
            prelude = text[position:brace].rpartition(";")[2].strip()  # `@import ...;` statements end at ";"
            if prelude.startswith("@"):
                position = _block_end(text, brace)
                continue
            end = text.find("}", brace)
            end = len(text) if end < 0 else end
            found = declarations(text[brace + 1 : end])
            if found:
                for selector in prelude.split(","):
                    sheet._add(selector.strip(), found)
            position = end + 1
        return sheet

    def _add(self, selector: str, found: Mapping[str, str]) -> None:
        match = _SIMPLE.match(selector)
        if match is None:
            return
        kind, name = match["kind"], match["name"]
        table = self.classes if kind == "." else self.ids if kind == "#" else self.tags
        key = name.lower() if kind == "" else name
        table.setdefault(key, {}).update(found)

    def applied(self, tag: str, classes: list[str], element_id: str | None, inline: str | None) -> dict[str, str]:
        """The declarations that hold for an element: tag rules, then class rules, then id rules, then inline."""
        result: dict[str, str] = dict(self.tags.get(tag, {}))
        for name in classes:
            result.update(self.classes.get(name, {}))
        if element_id is not None:
            result.update(self.ids.get(element_id, {}))
        if inline:
            result.update(declarations(inline))
        return result


def _block_end(text: str, brace: int) -> int:
    """Just past the brace that closes the block opened at `brace` (nested blocks included)."""
    depth = 0
    for index in range(brace, len(text)):
        if text[index] == "{":
            depth += 1
        elif text[index] == "}":
            depth -= 1
            if depth == 0:
                return index + 1
    return len(text)


def visibility_state(found: Mapping[str, str], hidden: bool) -> bool:
    """Whether text in the element is hidden by `visibility`, given its parent's state (it is inherited)."""
    value = found.get("visibility")
    if value in ("hidden", "collapse"):
        return True
    return False if value == "visible" else hidden


def font_size_state(found: Mapping[str, str], zero: bool) -> bool:
    """Whether text in the element is too small to read, given its parent's state (sizes are inherited)."""
    value = found.get("font-size")
    if value is None:
        return zero
    if value in _FROM_PARENT:
        return zero
    match = SIZE.match(value.replace(" ", ""))
    if match is None:
        return False  # a keyword (`small`, `initial`) or a function: a readable size
    number, unit = float(match["number"]), match["unit"]
    if number <= 0:
        return True
    if unit in RELATIVE:
        return zero
    pixels = PIXELS.get(unit or "px")
    return pixels is not None and number * pixels < MIN_FONT_PIXELS


def hides_subtree(found: Mapping[str, str]) -> bool:
    """True if the element and all in it is not shown: `display:none`, `opacity:0`, off the page, collapsed, clipped."""
    if found.get("display") == "none" or off_screen(found) or collapsed(found) or clipped_away(found):
        return True
    opacity = found.get("opacity")
    if opacity is None:
        return False
    try:
        value = float(opacity[:-1]) / 100 if opacity.endswith("%") else float(opacity)
    except ValueError:
        return False
    return value <= 0


def parse_colour(value: str) -> Rgba | None:
    """A colour written as a name this reader knows, `#hex` or `rgb()`/`rgba()`; None for anything else."""
    value = value.strip()
    if value in _NAMED:
        return _NAMED[value]
    if match := _HEX.match(value):
        digits = match["digits"]
        if len(digits) <= 4:
            digits = "".join(digit * 2 for digit in digits)
        red, green, blue = (int(digits[index : index + 2], 16) for index in (0, 2, 4))
        alpha = int(digits[6:8], 16) / 255 if len(digits) == 8 else 1.0
        return red, green, blue, alpha
    if match := _FUNCTION.match(re.sub(r"\s+", " ", value)):
        arguments = match["args"]
        return _rgb_arguments(re.split(r"\s*[,/]\s*" if "," in arguments else r"[\s/]+", arguments.strip()))
    return None


def _rgb_arguments(parts: list[str]) -> Rgba | None:
    parts = [part for part in parts if part]
    if len(parts) not in (3, 4):
        return None
    try:
        channels = [round(float(part[:-1]) * 2.55) if part.endswith("%") else round(float(part)) for part in parts[:3]]
        alpha = 1.0
        if len(parts) == 4:
            alpha = float(parts[3][:-1]) / 100 if parts[3].endswith("%") else float(parts[3])
    except ValueError:
        return None
    red, green, blue = (min(max(channel, 0), 255) for channel in channels)
    return red, green, blue, min(max(alpha, 0.0), 1.0)


def background_state(found: Mapping[str, str], background: Rgba | None) -> Rgba | None:
    """The colour text in the element stands on: its own plain background colour, else its parent's.

    None when it cannot be told (an image, a gradient, a colour this reader does not know): no text is then
    taken to be the colour of its background.
    """
    value = found.get("background-color") or found.get("background")
    if value is None:
        return background
    colour = parse_colour(value)
    if colour is not None and colour[3] == 0:
        return background  # a transparent background shows the one behind it
    return colour if colour is not None and colour[3] == 1 else None


def colour_state(found: Mapping[str, str], colour: Rgba | None) -> Rgba | None:
    """The text colour in the element (it is inherited); None when it cannot be told."""
    value = found.get("color")
    if value is None:
        return colour
    return parse_colour(value)


def unseen_colour(colour: Rgba | None, background: Rgba | None) -> bool:
    """True if text of `colour` cannot be seen on `background`: fully transparent, or the same colour."""
    if colour is None:
        return False
    if colour[3] == 0:
        return True
    if background is None or colour[3] < 1:
        return False
    return all(abs(mine - theirs) <= _SAME_COLOUR for mine, theirs in zip(colour[:3], background[:3], strict=True))
