"""One line read as a row of a declared table, against the table's header line.

A header line names at least two of the table's columns (every required one among them). When its
headings and a row's cells are separated by tabs (an HTML table), the n-th cell goes to the n-th
heading (`_generic_tabbed.py`). When each column label heads its own printed column (runs of spaces
between them), a row's cells are read by position: each stretch of the row goes to the heading it
overlaps, or the one it stands next to. When the header is printed with single spaces, a row
printed with tabs stands under one printed with spaces, or a row's cells do not read under its headings
(a PDF's text parts its columns, but its characters are not all one width), positions say nothing; the row is
then read by kind from both ends (`... 4  18.50  74.00`, `03/06/2024 ...`), and one text column takes the rest.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from claimflow.runtime.backends.rules._generic_cells import first_value, has_value, last_value, read_cell
from claimflow.runtime.backends.rules._generic_tabbed import TAB, read_tabbed, tab_cells, tab_headings
from claimflow.runtime.backends.rules._generic_values import Chunk, chunks
from claimflow.runtime.backends.rules._lines import Line
from claimflow.runtime.backends.rules._values import Writing
from claimflow.state.labels import COLUMN_SLACK, LabelIndex
from claimflow.state.schema import Column, Field

MAX_ROW = 300
"""A longer line is prose, not a table row."""


@dataclass(frozen=True)
class _Labels:
    """A column as the label index sees it (columns have no counter-labels)."""

    name: str
    kind: str
    labels: Sequence[str]
    counter_labels: Sequence[str] = ()


@lru_cache(maxsize=64)
def column_labels(table: Field) -> LabelIndex:
    """The labels of a table's columns; a column that declares none is known by its name ("unit price")."""
    return LabelIndex([_Labels(c.name, c.kind, tuple(c.labels) or (c.name.replace("_", " "),)) for c in table.columns])


@dataclass(frozen=True)
class Anchor:
    """A heading on the header line, by column (characters from the start of the page's line)."""

    start: int
    end: int
    column: Column | None
    """None for a heading no column declares (`Pos.`): what stands under it is not read."""


@dataclass(frozen=True)
class Header:
    """A table's header line and the headings on it, left to right."""

    line: Line
    anchors: tuple[Anchor, ...]
    aligned: bool
    """Every column label heads its own printed column: rows are read by position."""
    tabbed: bool = False
    """The headings are separated by tabs, one to a cell: rows printed with tabs are read cell by cell."""

    @property
    def columns(self) -> list[Column]:
        """The declared columns the header names, left to right."""
        return [anchor.column for anchor in self.anchors if anchor.column is not None]


def read_header(table: Field, line: Line, indent: int) -> Header | None:
    """The line as the table's header, or None when it names too few of its columns or holds a figure."""
    if any(char.isdigit() for char in line.text) or len(line.text) > MAX_ROW:
        return None
    hits = column_labels(table).find(line.text)
    if any(len(hit.owners) != 1 for hit in hits):
        return None  # a label two columns share says nothing about which one stands under it
    named = [hit.owners[0].field for hit in hits]
    required = {column.name for column in table.columns if column.required}
    if len(set(named)) < 2 or len(set(named)) != len(named) or not required <= set(named):
        return None
    if TAB in line.text:
        cells = tab_cells(line.text)
        headings = tab_headings(cells, hits)
        if headings is not None:
            placed = tuple(
                Anchor(indent + cell.start, indent + cell.end, table.column(hit.owners[0].field) if hit else None)
                for cell, hit in zip(cells, headings, strict=True)
            )
            return Header(line, placed, aligned=False, tabbed=True)
    anchors: list[Anchor] = []
    aligned = TAB not in line.text  # a label across a tab, or two in one cell: no column to place a cell under
    for chunk in chunks(line.text):
        inside = [hit for hit in hits if chunk.start <= hit.start < chunk.end]
        aligned = aligned and len(inside) <= 1
        if not inside:
            anchors.append(Anchor(indent + chunk.start, indent + chunk.end, None))
        for hit in inside:
            anchors.append(Anchor(indent + hit.start, indent + hit.end, table.column(hit.owners[0].field)))
    return Header(line, tuple(anchors), aligned)


def _anchor_for(anchors: Sequence[Anchor], start: int, end: int) -> Anchor | None:
    """The heading a stretch of a row stands under: the one it overlaps most, else the one right next to it."""
    overlaps = [(min(end, a.end) - max(start, a.start), a) for a in anchors]
    best = max((overlap for overlap, _ in overlaps), default=0)
    if best > 0:
        under = [a for overlap, a in overlaps if overlap == best]
        return under[0] if len(under) == 1 else None
    distance = [(max(a.start - end, start - a.end), a) for a in anchors]
    near = [a for gap, a in distance if gap <= COLUMN_SLACK + 1]
    return near[0] if len(near) == 1 else None


def _by_position(header: Header, line: Line, indent: int, writing: Writing) -> dict[str, str] | None:
    placed: dict[str, list[tuple[int, Chunk]]] = {}
    for number, chunk in enumerate(chunks(line.text)):
        anchor = _anchor_for(header.anchors, indent + chunk.start, indent + chunk.end)
        if anchor is not None and anchor.column is not None:
            placed.setdefault(anchor.column.name, []).append((number, chunk))
    cells: dict[str, str] = {}
    for column in header.columns:
        parts = [chunk for _, chunk in placed.get(column.name, [])]
        if not parts:
            continue
        numbers = [number for number, _ in placed[column.name]]
        # A text cell may hold a column gap ("Bolts  M8"); two figures under one heading, or text split by
        # another column's cell, mean the columns are not where the header says.
        if len(parts) > 1 and (column.kind != "text" or numbers[-1] - numbers[0] != len(numbers) - 1):
            return None
        value = read_cell(column, line.text[parts[0].start : parts[-1].end], writing)
        if value is None:
            return None
        cells[column.name] = value
    return cells


def _by_kind(header: Header, line: Line, writing: Writing) -> dict[str, str] | None:
    columns = header.columns
    texts = [index for index, column in enumerate(columns) if column.kind == "text"]
    if len(texts) > 1:
        return None  # two text columns printed with single spaces cannot be told apart
    # The one text column takes what the figures around it leave: those after it are read from the right,
    # those before it (a statement's date before its description) from the left.
    split = texts[0] if texts else 0
    leading, trailing = columns[:split], columns[split + 1 :] if texts else columns
    rest = line.text
    cells: dict[str, str] = {}
    for column in reversed(trailing):
        found = last_value(column, rest, writing)
        if found is None:
            return None
        cells[column.name] = found.value
        rest = rest[: found.start]
    for column in leading:
        found = first_value(column, rest, writing)
        if found is None:
            return None
        cells[column.name] = found.value
        rest = rest[found.end :]
    if texts:
        value = read_cell(columns[split], rest, writing)
        if value is None:
            return None
        cells[columns[split].name] = value
    elif rest.strip():
        return None
    return {column.name: cells[column.name] for column in columns}


def _spread(header: Header, line: Line) -> bool:
    """True when the row is read by the character offsets of its printed columns."""
    return header.aligned and TAB not in line.text and len(chunks(line.text)) > 1


def read_row(table: Field, header: Header, line: Line, indent: int, writing: Writing) -> dict[str, str] | None:
    """The line's cells (column name -> canonical value), or None when it is not a complete row of the table."""
    if len(line.text) > MAX_ROW:
        return None
    if header.tabbed:  # a line without a tab is a row of one cell
        cells = read_tabbed([anchor.column for anchor in header.anchors], line.text, writing)
    else:
        cells = _by_position(header, line, indent, writing) if _spread(header, line) else None
        if not _complete(table, cells):
            # Positions said nothing: a PDF's text keeps its columns apart, but a character is as wide as its
            # glyph, so a row's cells do not stand at its header's offsets.
            cells = _by_kind(header, line, writing)
    return cells if _complete(table, cells) else None


def _complete(table: Field, cells: dict[str, str] | None) -> bool:
    """True when the cells make a row: every required column, and two at least."""
    if cells is None or any(column.required and column.name not in cells for column in table.columns):
        return False
    return len(cells) >= 2


def row_shaped(header: Header, line: Line, indent: int, writing: Writing) -> bool:
    """True when the line looks like a row (figures in the table's columns) whether or not it reads as one."""
    if _spread(header, line):
        under = {
            anchor.column.name
            for chunk in chunks(line.text)
            if (anchor := _anchor_for(header.anchors, indent + chunk.start, indent + chunk.end)) is not None
            and anchor.column is not None
        }
        return len(under) >= 2
    return any(has_value(column, line.text[:MAX_ROW], writing) for column in header.columns)
