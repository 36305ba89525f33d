"""The CSS that hides HTML text: inline `style` attributes and `<style>` rules with simple selectors.

Only what decides whether text can be seen is read: `display`, `visibility`, `opacity`, `font-size`,
`color` and `background`, and what places or sizes a box out of sight (`position` with `left`/`top`,
`text-indent`, `transform`, `height`/`max-height` with `overflow`).
Rules count when their selector is a tag (`small`), a class (`.note`) or an id (`#t`);
selector lists are split, anything else (descendants, attributes, pseudo-classes) is ignored, as are
at-rules (`@media print { ... }`) and external style sheets. Later rules win over earlier ones, ids
over classes over tags, and an inline style over all of them (`!important` is not weighed).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = [
    "OFF_SCREEN_PIXELS",
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
    )
)  # fmt: skip
_COMMENTS = re.compile(r"/\*.*?(?:\*/|$)", re.DOTALL)
_SIMPLE = re.compile(r"^(?P<kind>[.#]?)(?P<name>-?[A-Za-z_][\w-]*)$")
_IMPORTANT = re.compile(r"\s*!\s*important\s*$", re.IGNORECASE)
_SIZE = re.compile(r"^(?P<number>[+-]?(?:\d+\.?\d*|\.\d+))(?P<unit>[a-z%]*)$")
# Pixels per unit of the absolute lengths (CSS fixes 96 px to the inch).
_PIXELS = {"px": 1.0, "pt": 96 / 72, "pc": 16.0, "in": 96.0, "cm": 96 / 2.54, "mm": 96 / 25.4, "q": 96 / 101.6}
# Relative to the parent's size: a zero stays zero whatever the factor.
_RELATIVE = frozenset(("em", "%", "ex", "ch", "cap", "ic", "lh"))
MIN_FONT_PIXELS = 1.0
"""Text set smaller than one pixel cannot be read."""
OFF_SCREEN_PIXELS = 1000.0
"""An element placed this far or further left of or above the page (`left:-9999px`, `text-indent:-9999px`)
is off the screen: no page is scrolled that way."""

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
            found[name] = _IMPORTANT.sub("", value.strip().lower())
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
    match = _SIZE.match(value.replace(" ", ""))
    if match is None:
        return False  # a keyword (`small`) or a function: a readable size
    number, unit = float(match["number"]), match["unit"]
    if number <= 0:
        return True
    if unit in _RELATIVE:
        return zero
    pixels = _PIXELS.get(unit or "px")
    return pixels is not None and number * pixels < MIN_FONT_PIXELS


def _length_pixels(value: str) -> float | None:
    """A length in pixels (`-9999px`, `-100em` at 16 px), None for a keyword, a percentage or a function."""
    match = _SIZE.match(value.replace(" ", ""))
    if match is None:
        return None
    number, unit = float(match["number"]), match["unit"]
    if unit in ("em", "rem"):
        return number * 16
    if number == 0:
        return 0.0
    pixels = _PIXELS.get(unit or "px")
    return None if pixels is None else number * pixels


def _off_screen(found: Mapping[str, str]) -> bool:
    """Placed far off the page: an absolute or fixed box far to the left or top, or text indented far left."""
    indent = _length_pixels(found.get("text-indent", ""))
    if indent is not None and indent <= -OFF_SCREEN_PIXELS:
        return True
    if found.get("position") not in ("absolute", "fixed"):
        return False
    for side in ("left", "top"):
        offset = _length_pixels(found.get(side, ""))
        if offset is not None and offset <= -OFF_SCREEN_PIXELS:
            return True
    return False


_SCALE = re.compile(r"\bscale[xyz3d]*\((?P<args>[^()]*)\)")


def _scaled_away(transform: str) -> bool:
    """True if a `scale()`, `scaleX()` or `scaleY()` of the transform has a factor of zero."""
    for match in _SCALE.finditer(transform):
        for factor in re.split(r"[\s,]+", match["args"].strip()):
            try:
                if float(factor) == 0:
                    return True
            except ValueError:
                continue
    return False


def _collapsed(found: Mapping[str, str]) -> bool:
    """Drawn at no size: scaled to nothing, or a box of no height that hides what overflows it."""
    if _scaled_away(found.get("transform", "")):
        return True
    overflow = found.get("overflow-y") or found.get("overflow", "")
    if overflow.split()[-1:] not in (["hidden"], ["clip"]):
        return False
    return any(_length_pixels(found.get(name, "")) == 0 for name in ("height", "max-height"))


def hides_subtree(found: Mapping[str, str]) -> bool:
    """True if the element and all in it is not shown: `display:none`, `opacity:0`, off the page, collapsed."""
    if found.get("display") == "none" or _off_screen(found) or _collapsed(found):
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
