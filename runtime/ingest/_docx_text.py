"""The visible text of WordprocessingML, streamed: what a reader of the document sees.

Paragraphs are lines; a table row is one line, its cells separated by tabs (a paragraph end or line break in
a cell is a space there, so the row stays on one line); `w:tab` is a tab, `w:br` and `w:cr` a line end.
Left out: hidden runs (`w:vanish`, set on the run or by its character or paragraph style), deleted and
moved-away tracked changes (`w:del`, `w:moveFrom`), field codes (`w:instrText`: a field shows its result),
the fallback copy of a text box (`mc:Fallback`) and the properties of everything.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

__all__ = ["NAMESPACES", "Sink", "Styles", "TextWalker", "attribute", "on", "starts_page"]

NAMESPACES = frozenset(
    ("http://schemas.openxmlformats.org/wordprocessingml/2006/main", "http://purl.oclc.org/ooxml/wordprocessingml/main")
)
"""WordprocessingML's namespace, as transitional files (all Word writes) and strict ones name it."""
_COMPATIBILITY = "http://schemas.openxmlformats.org/markup-compatibility/2006"

_SKIPPED = frozenset(("del", "moveFrom", "instrText", "delInstrText", "delText", "sdtPr"))
"""Elements whose content is never text: what was deleted or moved away, field codes, a control's settings."""
_PROPERTIES = frozenset(("pPr", "rPr", "tblPr", "trPr", "tcPr", "tblGrid", "sectPr", "tblPrEx"))
_SEPARATORS = frozenset(("separator", "continuationSeparator", "continuationNotice"))
_OFF = frozenset(("0", "false", "off"))


def attribute(attributes: dict[str, str], name: str) -> str | None:
    """The attribute of that local name (`w:val`, `w:type`, ...), whatever its namespace."""
    return next((value for key, value in attributes.items() if key.rpartition(" ")[2] == name), None)


def starts_page(attributes: dict[str, str]) -> bool:
    """Whether a section of this `w:type` starts on a new page (`nextPage`, `oddPage`, `evenPage`)."""
    return attribute(attributes, "val") not in ("continuous", "nextColumn")


def on(attributes: dict[str, str]) -> bool:
    """Whether a toggle property (`<w:vanish/>`, `<w:vanish w:val="false"/>`) is on."""
    value = attribute(attributes, "val")
    return value is None or value.strip().lower() not in _OFF


@dataclass
class Styles:
    """Which styles hide their text: each style's own `w:vanish` and the style it is based on."""

    vanish: dict[str, bool] = field(default_factory=dict)
    based_on: dict[str, str] = field(default_factory=dict)
    default: bool = False

    def hides(self, style: str | None) -> bool | None:
        """Whether `style` (following `w:basedOn`) hides text, or None if none of the chain says."""
        seen: set[str] = set()
        while style is not None and style not in seen:
            seen.add(style)
            if style in self.vanish:
                return self.vanish[style]
            style = self.based_on.get(style)
        return None


class Sink(Protocol):
    """Where the walker writes: the body's pages, or the notes."""

    def write(self, text: str) -> None:
        """Add visible text."""

    def newline(self) -> None:
        """End the line, unless it is empty."""

    def cell_break(self) -> None:
        """Separate a table cell from the one before it on the line."""

    def page_break(self, forced: bool) -> None:
        """Start a page: always if `forced`, else only when the page has text (Word adds no empty page)."""

    def note(self, kind: str, identifier: str) -> None:
        """A visible reference to a footnote or endnote (`kind`) stands here."""

    def begin_note(self, identifier: str) -> None:
        """The text of a footnote or endnote starts."""


@dataclass
class _Run:
    direct: bool | None = None
    style: str | None = None
    hidden: bool = False


@dataclass
class _Paragraph:
    style: str | None = None
    mark_gone: bool = False
    section_break: bool = False


class TextWalker:
    """Turns a part's XML events into writes on a sink; stream the part to `start`, `end` and `text`."""

    def __init__(self, sink: Sink, styles: Styles, sections: tuple[bool, ...] = ()) -> None:
        """Write to `sink`, judging hidden runs by `styles`; `sections` says which sections start a new page."""
        self.sink, self.styles, self.sections = sink, styles, sections
        self.section = 0
        self.path: list[str] = []
        self.skip = 0  # depth inside an element whose content is left out
        self.properties = 0  # depth inside properties (pPr, rPr, sectPr, ...)
        self.fields: list[bool] = []  # one per open complex field: whether its result has begun
        self.run = _Run()
        self.paragraph = _Paragraph()
        self.cells = 0

    def start(self, namespace: str, name: str, attributes: dict[str, str]) -> None:
        """An element opens."""
        if self.skip or (namespace == _COMPATIBILITY and name == "Fallback"):
            self.skip += 1
            return
        if namespace not in NAMESPACES:
            self.path.append("")
            return
        if self.properties:
            if name.endswith("Change"):  # the properties before a tracked change: not what is shown
                self.skip = 1
                return
            self._property(name, attributes)
        elif name in _SKIPPED or (name in ("footnote", "endnote") and attribute(attributes, "type") in _SEPARATORS):
            self.skip = 1
            return
        else:
            self._content(name, attributes)
        if name in _PROPERTIES:
            self.properties += 1
        self.path.append(name)

    def _property(self, name: str, attributes: dict[str, str]) -> None:
        parent, grand = self.path[-1], self.path[-2] if len(self.path) > 1 else ""
        if parent == "rPr" and grand == "r":
            if name == "vanish":
                self.run.direct = on(attributes)
            elif name == "rStyle":
                self.run.style = attribute(attributes, "val")
        elif parent == "rPr" and grand == "pPr":
            # The paragraph mark hidden or deleted: the paragraph runs on into the next one.
            if name in ("del", "moveFrom") or (name == "vanish" and on(attributes)):
                self.paragraph.mark_gone = True
        elif parent == "pPr":
            if name == "pStyle":
                self.paragraph.style = attribute(attributes, "val")
            elif name == "pageBreakBefore" and on(attributes):
                self.sink.page_break(forced=False)
            elif name == "sectPr":
                # A section ends with this paragraph; the next section's own type says whether it starts a page.
                self.section += 1
                self.paragraph.section_break = self.section < len(self.sections) and self.sections[self.section]

    def _content(self, name: str, attributes: dict[str, str]) -> None:
        if name == "p":
            self.paragraph = _Paragraph()
        elif name == "r":
            by_paragraph = self.styles.hides(self.paragraph.style)
            self.run = _Run(hidden=self.styles.default if by_paragraph is None else by_paragraph)
        elif name in ("tr", "tbl"):
            self.sink.newline()
        elif name == "tc":
            self.cells += 1
            self.sink.cell_break()
        elif name in ("footnote", "endnote"):
            self.sink.begin_note(attribute(attributes, "id") or "")
        elif name == "lastRenderedPageBreak":
            self.sink.page_break(forced=False)  # where Word broke the page when it last laid the text out
        elif name == "fldChar":
            self._field(attribute(attributes, "fldCharType"))
        elif self.path[-1:] == ["r"] and self._visible():
            self._in_run(name, attributes)

    def _in_run(self, name: str, attributes: dict[str, str]) -> None:
        if name in ("tab", "ptab"):
            self.sink.write("\t")
        elif name == "br" and attribute(attributes, "type") == "page":
            self.sink.page_break(forced=True)
        elif name in ("br", "cr"):
            self._line_end()
        elif name == "noBreakHyphen":
            self.sink.write("-")
        elif name in ("footnoteReference", "endnoteReference"):
            identifier = attribute(attributes, "id")
            if identifier is not None:
                self.sink.note(name.removesuffix("Reference"), identifier)

    def _field(self, kind: str | None) -> None:
        if kind == "begin":
            self.fields.append(False)
        elif kind == "separate" and self.fields:
            self.fields[-1] = True
        elif kind == "end" and self.fields:
            self.fields.pop()

    def _run_hidden(self) -> None:
        """The run's own `w:vanish` decides, else its character style's, else its paragraph style's."""
        by_style = self.styles.hides(self.run.style)
        if self.run.direct is not None:
            self.run.hidden = self.run.direct
        elif by_style is not None:
            self.run.hidden = by_style

    def _visible(self) -> bool:
        return not self.run.hidden and all(self.fields)

    def _line_end(self) -> None:
        self.sink.write(" " if self.cells else "\n")

    def end(self, namespace: str, name: str) -> None:
        """An element closes."""
        if self.skip:
            self.skip -= 1
            return
        self.path.pop()
        if namespace not in NAMESPACES:
            return
        if name in _PROPERTIES:
            self.properties -= 1
        if self.properties:
            return
        if name == "rPr" and self.path[-1:] == ["r"]:
            self._run_hidden()
        elif name == "p":
            if not self.paragraph.mark_gone:
                self._line_end()
            if self.paragraph.section_break:
                self.sink.page_break(forced=True)
            self.paragraph = _Paragraph()
        elif name == "tc":
            self.cells -= 1
        elif name in ("tr", "tbl"):
            self.sink.newline()

    def text(self, data: str) -> None:
        """Character data: kept only inside a visible `w:t` of a run."""
        if not self.skip and self.path[-2:] == ["r", "t"] and self._visible():
            self.sink.write(data)
