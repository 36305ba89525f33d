"""The CSS that hides HTML text: inline `style` attributes and `<style>` rules with simple selectors.

Only what decides whether text can be seen is read: `display`, `visibility`, `opacity` and
`font-size`. Rules count when their selector is a tag (`small`), a class (`.note`) or an id (`#t`);
selector lists are split, anything else (descendants, attributes, pseudo-classes) is ignored, as are
at-rules (`@media print { ... }`) and external style sheets. Later rules win over earlier ones, ids
over classes over tags, and an inline style over all of them (`!important` is not weighed).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = ["StyleSheet", "declarations", "font_size_state", "hides_subtree", "visibility_state"]

_PROPERTIES = frozenset(("display", "visibility", "opacity", "font-size"))
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


def hides_subtree(found: Mapping[str, str]) -> bool:
    """True if the element and everything in it is not shown: `display:none` or `opacity:0`."""
    if found.get("display") == "none":
        return True
    opacity = found.get("opacity")
    if opacity is None:
        return False
    try:
        value = float(opacity[:-1]) / 100 if opacity.endswith("%") else float(opacity)
    except ValueError:
        return False
    return value <= 0


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
