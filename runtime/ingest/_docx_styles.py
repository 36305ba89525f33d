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

from claimflow.runtime.ingest._ooxml import Budget, stream_part
from claimflow.runtime.ingest._wordml import NAMESPACES, attribute, integer, on

__all__ = ["Styles", "read_styles"]

_T = TypeVar("_T")


@dataclass
class Styles:
    """Each style's own `w:vanish` and list numbering (`w:numPr`), the style it is based on, and the defaults."""

    vanish: dict[str, bool] = field(default_factory=dict)
    based_on: dict[str, str] = field(default_factory=dict)
    list_id: dict[str, str] = field(default_factory=dict)
    list_level: dict[str, int] = field(default_factory=dict)
    default: bool = False
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

    def numbering(self, style: str | None) -> tuple[str | None, int | None]:
        """The list (`w:numId`) and level (`w:ilvl`) the paragraph style gives, each None where none says."""
        style = self.paragraph_style(style)
        return self._nearest(style, self.list_id), self._nearest(style, self.list_level)


def read_styles(archive: zipfile.ZipFile, part: str | None, budget: Budget) -> Styles:
    """Read the styles part (`word/styles.xml`); a document without one has none."""
    styles = Styles()
    if part is None:
        return styles
    path: list[str] = []
    current: list[str] = [""]

    def start(namespace: str, name: str, attributes: dict[str, str]) -> None:
        name = name if namespace in NAMESPACES else ""
        style = current[0]
        if name == "style":
            current[0] = attribute(attributes, "styleId") or ""
            if attribute(attributes, "type") == "paragraph" and on({"val": attribute(attributes, "default") or "0"}):
                styles.default_paragraph = styles.default_paragraph or current[0]
        elif name == "basedOn" and path[-1:] == ["style"]:
            styles.based_on[style] = attribute(attributes, "val") or ""
        elif name == "vanish" and path[-2:] == ["style", "rPr"]:
            styles.vanish[style] = on(attributes)
        elif name == "vanish" and path[-2:] == ["rPrDefault", "rPr"]:
            styles.default = on(attributes)
        elif name == "numId" and path[-3:] == ["style", "pPr", "numPr"]:
            styles.list_id[style] = attribute(attributes, "val") or ""
        elif name == "ilvl" and path[-3:] == ["style", "pPr", "numPr"] and (level := integer(attributes)) is not None:
            styles.list_level[style] = level
        path.append(name)

    def end(_namespace: str, _name: str) -> None:
        path.pop()

    stream_part(archive, part, budget, (start, end, lambda _: None))
    return styles
