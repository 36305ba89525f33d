"""The visible text of WordprocessingML, streamed: what a reader of the document sees.

Paragraphs are lines; a table row is one line, its cells separated by tabs (a paragraph end or line break in
a cell is a space there, so the row stays on one line); `w:tab` is a tab, `w:br` and `w:cr` a line end.
A paragraph of a list starts with its number, as `_docx_numbering.py` renders it.
Left out: hidden runs (`w:vanish`, set on the run, or by the styles and defaults as `_docx_styles.py` says),
deleted and moved-away tracked changes (`w:del`, `w:moveFrom`), field codes (`w:instrText`: a field shows its
result), the fallback copy of a text box (`mc:Fallback`) and the properties of everything.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from claimflow.runtime.ingest._docx_ink import INK, Ink, ink_value, page_colour, unseen
from claimflow.runtime.ingest._docx_numbering import ListNumbers, Numbering
from claimflow.runtime.ingest._docx_styles import Styles
from claimflow.runtime.ingest._wordml import NAMESPACES, attribute, flag, integer, on, starts_page

__all__ = ["Sink", "TextWalker"]

_COMPATIBILITY = "http://schemas.openxmlformats.org/markup-compatibility/2006"

_SKIPPED = frozenset(("del", "moveFrom", "instrText", "delInstrText", "delText", "sdtPr"))
"""Elements whose content is never text: what was deleted or moved away, field codes, a control's settings."""
_PROPERTIES = frozenset(("pPr", "rPr", "tblPr", "trPr", "tcPr", "tblGrid", "sectPr", "tblPrEx"))
_SEPARATORS = frozenset(("separator", "continuationSeparator", "continuationNotice"))


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

    def section_end(self) -> None:
        """A section ends: the page breaks here if the next section starts a new page."""

    def section_starts(self, new_page: bool) -> None:
        """The properties of a section were read: it starts a new page, or runs on from the one before."""

    def note(self, kind: str, identifier: str, custom: bool) -> None:
        """A visible reference to a footnote or endnote (`kind`) stands here; `custom` if its mark is typed text."""

    def begin_note(self, identifier: str) -> None:
        """The text of a footnote or endnote starts."""


@dataclass
class _Run:
    direct: bool | None = None
    style: str | None = None
    hidden: bool = False
    ink: Ink = field(default_factory=dict)  # its own colour, size, highlight and shading


@dataclass
class _Paragraph:
    style: str | None = None
    mark_vanish: bool | None = None  # the paragraph mark's own `w:vanish`
    mark_gone: bool = False
    section_break: bool = False
    list_id: str | None = None
    list_level: int | None = None
    shading: str | None = None  # its own `w:shd`, as `Ink` keeps it
    begun: bool = False  # whether its properties are known and its number written


class TextWalker:
    """Turns a part's XML events into writes on a sink; stream the part to `start`, `end` and `text`."""

    def __init__(self, sink: Sink, styles: Styles, numbering: Numbering) -> None:
        """Write to `sink`, judging hidden runs by `styles` and numbering lists by `numbering`."""
        self.sink, self.styles = sink, styles
        self.lists = ListNumbers(numbering)
        self.new_page = True  # whether the section whose properties are being read starts a new page
        self.page = page_colour(None)
        self.boxes = 0  # depth inside text boxes, whose fill is not read
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
        if name == "sectPr":
            self.new_page = True  # a section without a type starts on the next page
        if name in _PROPERTIES:
            self.properties += 1
        self.path.append(name)

    def _property(self, name: str, attributes: dict[str, str]) -> None:
        parent, grand = self.path[-1], self.path[-2] if len(self.path) > 1 else ""
        if parent == "sectPr":
            if name == "type":
                self.new_page = starts_page(attributes)
        elif parent == "rPr" and grand == "r":
            self._run_property(name, attributes)
        elif grand == "pPr":
            self._mark_or_list(parent, name, attributes)
        elif parent == "pPr":
            if name == "pStyle":
                self.paragraph.style = attribute(attributes, "val")
            elif name == "shd":
                self.paragraph.shading = ink_value(name, attributes)
            elif name == "pageBreakBefore" and on(attributes):
                self.sink.page_break(forced=False)
            elif name == "sectPr":
                self.paragraph.section_break = True  # a section ends with this paragraph

    def _run_property(self, name: str, attributes: dict[str, str]) -> None:
        if name == "vanish":
            self.run.direct = on(attributes)
        elif name == "rStyle":
            self.run.style = attribute(attributes, "val")
        elif name in INK:
            self.run.ink[name] = ink_value(name, attributes)

    def _mark_or_list(self, parent: str, name: str, attributes: dict[str, str]) -> None:
        """A property of the paragraph mark (`w:pPr/w:rPr`) or of the paragraph's list (`w:pPr/w:numPr`)."""
        if parent == "rPr" and name in ("del", "moveFrom"):
            self.paragraph.mark_gone = True  # the mark deleted: the paragraph runs on into the next one
        elif parent == "rPr" and name == "vanish":
            self.paragraph.mark_vanish = on(attributes)
        elif parent == "numPr" and name == "numId":
            self.paragraph.list_id = attribute(attributes, "val") or ""
        elif parent == "numPr" and name == "ilvl":
            self.paragraph.list_level = integer(attributes)

    def _content(self, name: str, attributes: dict[str, str]) -> None:
        if self.path[-1:] == ["p"] and name != "pPr":
            self._begin()
        if name == "p":
            self.paragraph = _Paragraph()
        elif name == "r":
            self.run = _Run()
            self._run_hidden()
        elif name == "background":
            self.page = page_colour(attribute(attributes, "color"))
        elif name == "txbxContent":
            self.boxes += 1
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
                self.sink.note(name.removesuffix("Reference"), identifier, flag(attributes, "customMarkFollows"))

    def _begin(self) -> None:
        """The paragraph's properties are read: judge its mark, and write its list number, once."""
        paragraph = self.paragraph
        if paragraph.begun:
            return
        paragraph.begun = True
        if self.styles.hidden(paragraph.style, None, paragraph.mark_vanish):
            paragraph.mark_gone = True
        by_style = self.styles.numbering(paragraph.style)
        instance = paragraph.list_id if paragraph.list_id is not None else by_style[0]
        level = next((lvl for lvl in (paragraph.list_level, by_style[1]) if lvl is not None), 0)
        # A paragraph whose mark is hidden or deleted is not one a reader sees: it takes no number.
        if instance is None or paragraph.mark_gone:
            return
        number = self.lists.number(instance, level)
        if number is not None and all(self.fields):
            self.sink.write(number)

    def _field(self, kind: str | None) -> None:
        if kind == "begin":
            self.fields.append(False)
        elif kind == "separate" and self.fields:
            self.fields[-1] = True
        elif kind == "end" and self.fields:
            self.fields.pop()

    def _run_hidden(self) -> None:
        """Hidden by `w:vanish` (the run's own decides, else its styles and the defaults toggle it), or unseen."""
        paragraph, run = self.paragraph, self.run
        run.hidden = self.styles.hidden(paragraph.style, run.style, run.direct)
        if not run.hidden and not self.cells and not self.boxes:  # cells and boxes: fills not read
            shading = paragraph.shading or self.styles.paragraph_shading(paragraph.style)
            run.hidden = unseen(self.styles.run_ink(paragraph.style, run.style, run.ink), shading, self.page)

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
        if name == "sectPr":
            # A section's properties come at its end: only now is it known whether a page broke before it.
            self.sink.section_starts(self.new_page)
        if self.properties:
            return
        if name == "rPr" and self.path[-1:] == ["r"]:
            self._run_hidden()
        elif name == "pPr" and self.path[-1:] == ["p"]:
            self._begin()
        elif name == "p":
            self._end_paragraph()
        elif name == "tc":
            self.cells -= 1
        elif name in ("tr", "tbl"):
            self.sink.newline()
        elif name == "txbxContent":
            self.boxes -= 1

    def _end_paragraph(self) -> None:
        self._begin()  # an empty paragraph of a list still shows its number
        if not self.paragraph.mark_gone:
            self._line_end()
        if self.paragraph.section_break:
            self.sink.section_end()
        self.paragraph = _Paragraph()

    def text(self, data: str) -> None:
        """Character data: kept only inside a visible `w:t` of a run."""
        if not self.skip and self.path[-2:] == ["r", "t"] and self._visible():
            self.sink.write(data)
