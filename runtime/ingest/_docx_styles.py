"""What a Word document's styles say about its text: whether they hide it, and which list numbers it.

`w:vanish` is a toggle property (ECMA-376 Part 1, 17.7.3). A style based on another (`w:basedOn`) has the
value the nearest style of its chain gives. Across the levels that format a run, the document defaults, the
paragraph's style and the run's character style, each level that turns it on toggles it: text hidden by
both its paragraph style and its character style is shown, as Word shows it. A style that turns it off
changes nothing; only direct formatting on the run sets it absolutely.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from typing import TypeVar

from claimflow.runtime.ingest._docx_ink import INK, Ink, ink_value
from claimflow.runtime.ingest._ooxml import Budget
from claimflow.runtime.ingest._wordml import attribute, flag, integer, on, read_part

__all__ = ["Styles", "read_styles"]

_T = TypeVar("_T")


@dataclass
class Styles:
    """Each style's own `w:vanish` and list numbering (`w:numPr`), the style it is based on, and the defaults."""

    vanish: dict[str, bool] = field(default_factory=dict)
    based_on: dict[str, str] = field(default_factory=dict)
    list_id: dict[str, str] = field(default_factory=dict)
    list_level: dict[str, int] = field(default_factory=dict)
    ink: dict[str, dict[str, str]] = field(default_factory=lambda: {name: {} for name in INK})
    shading: dict[str, str] = field(default_factory=dict)
    default: bool = False
    default_ink: Ink = field(default_factory=dict)
    default_paragraph: str | None = None
    _found: dict[tuple[int, str], object] = field(default_factory=dict, repr=False)

    def _nearest(self, style: str | None, values: dict[str, _T]) -> _T | None:
        """The value of the nearest style in `style`'s `w:basedOn` chain that has one (a loop ends the chain).

        Each style's answer is kept, so a long chain is walked once however many runs name its styles.
        """
        walked: dict[str, None] = {}  # in order, and quick to ask whether the chain came back
        value: object = None
        while style is not None and style not in walked:
            if (id(values), style) in self._found:
                value = self._found[id(values), style]
                break
            walked[style] = None
            if style in values:
                value = values[style]
                break
            style = self.based_on.get(style)
        for step in walked:
            self._found[id(values), step] = value
        return value  # type: ignore[return-value]  # only ever a value of `values`, or None

    def paragraph_style(self, style: str | None) -> str | None:
        """The style a paragraph has: its own, else the document's default paragraph style."""
        return style if style is not None else self.default_paragraph

    def hides(self, style: str | None) -> bool:
        """Whether `style`, following its `w:basedOn` chain, turns `w:vanish` on."""
        return self._nearest(style, self.vanish) is True

    def hidden(self, paragraph_style: str | None, run_style: str | None, direct: bool | None) -> bool:
        """Whether a run is hidden: its direct `w:vanish` decides, else the levels above it toggle it."""
        if direct is not None:
            return direct
        return self.default ^ self.hides(self.paragraph_style(paragraph_style)) ^ self.hides(run_style)

    def run_ink(self, paragraph_style: str | None, run_style: str | None, direct: Ink) -> Ink:
        """How a run's text looks (the properties in `INK`), each from the nearest level that sets it.

        The run's own, else its character style's, else its paragraph style's, else the document defaults'.
        """
        paragraph_style = self.paragraph_style(paragraph_style)
        found: Ink = {}
        for name, by_style in self.ink.items():
            value = direct.get(name)
            value = value if value is not None else self._nearest(run_style, by_style)
            value = value if value is not None else self._nearest(paragraph_style, by_style)
            value = value if value is not None else self.default_ink.get(name)
            if value is not None:
                found[name] = value
        return found

    def paragraph_shading(self, style: str | None) -> str | None:
        """The shading (`w:shd`, as `Ink` keeps it) the paragraph style gives its paragraphs."""
        return self._nearest(self.paragraph_style(style), self.shading)

    def numbering(self, style: str | None) -> tuple[str | None, int | None]:
        """The list (`w:numId`) and level (`w:ilvl`) the paragraph style gives, each None where none says."""
        style = self.paragraph_style(style)
        return self._nearest(style, self.list_id), self._nearest(style, self.list_level)


def read_styles(archive: zipfile.ZipFile, part: str | None, budget: Budget) -> Styles:
    """Read the styles part (`word/styles.xml`); a document without one has none."""
    styles = Styles()
    if part is None:
        return styles
    current: list[str] = [""]

    def start(name: str, attributes: dict[str, str], path: list[str]) -> None:
        style = current[0]
        if name == "style":
            current[0] = attribute(attributes, "styleId") or ""
            if attribute(attributes, "type") == "paragraph" and flag(attributes, "default"):
                styles.default_paragraph = styles.default_paragraph or current[0]
        elif name == "basedOn" and path[-1:] == ["style"]:
            styles.based_on[style] = attribute(attributes, "val") or ""
        elif path[-2:] == ["style", "rPr"] or path[-2:] == ["rPrDefault", "rPr"]:
            _run_property(styles, style if path[-2] == "style" else None, name, attributes)
        elif name == "shd" and path[-2:] == ["style", "pPr"]:
            styles.shading[style] = ink_value(name, attributes)
        elif name == "numId" and path[-3:] == ["style", "pPr", "numPr"]:
            styles.list_id[style] = attribute(attributes, "val") or ""
        elif name == "ilvl" and path[-3:] == ["style", "pPr", "numPr"] and (level := integer(attributes)) is not None:
            styles.list_level[style] = level

    read_part(archive, part, budget, start)
    return styles


def _run_property(styles: Styles, style: str | None, name: str, attributes: dict[str, str]) -> None:
    """A run property of `style`, or of the document defaults (`w:rPrDefault`) when `style` is None."""
    if name == "vanish":
        if style is None:
            styles.default = on(attributes)
        else:
            styles.vanish[style] = on(attributes)
    elif name in INK:
        if style is None:
            styles.default_ink[name] = ink_value(name, attributes)
        else:
            styles.ink[name][style] = ink_value(name, attributes)
