"""Table rows whose cells are separated by tabs, as the HTML reader writes a `<tr>`: read cell by cell.

Under a header whose headings are separated by tabs too, the n-th cell of a row stands under the n-th
heading: each cell is read whole by its column's kind, an empty cell is no cell (allowed for an
optional column only), and what stands under a heading no column declares (`Pos.`) is not read.
Character offsets say nothing here: a tab is as wide as whoever shows it makes it.

The HTML reader writes no tab for an empty first or last cell, so a row with fewer cells than the
header has headings has lost empty cells at its ends, nobody knows which: it is read in every place
it could stand, and kept only when each place it reads in gives the same cells. A row with more cells
than headings does not line up, nor does one whose cells do not read as their columns' kinds.
"""

from __future__ import annotations

from collections.abc import Sequence

from claimflow.runtime.backends.rules._generic_cells import read_cell
from claimflow.runtime.backends.rules._generic_values import Chunk
from claimflow.runtime.backends.rules._values import Writing
from claimflow.state.labels import LabelHit
from claimflow.state.schema import Column

TAB = "\t"


def tab_cells(text: str) -> list[Chunk]:
    """The cells of a tab-separated line, empty ones included, each trimmed (offsets within `text`)."""
    cells: list[Chunk] = []
    start = 0
    for part in text.split(TAB):
        lead = len(part) - len(part.lstrip())
        cell = part.strip()
        cells.append(Chunk(start + lead, start + lead + len(cell), cell))
        start += len(part) + 1
    return cells


def tab_headings(cells: Sequence[Chunk], hits: Sequence[LabelHit]) -> list[LabelHit | None] | None:
    """The column label in each cell of a header line, or None when a cell holds two or one spans a tab."""
    headings: list[LabelHit | None] = []
    for cell in cells:
        inside = [hit for hit in hits if cell.start <= hit.start < cell.end]
        if len(inside) > 1 or any(hit.end > cell.end for hit in inside):
            return None
        headings.append(inside[0] if inside else None)
    return headings


def read_tabbed(headings: Sequence[Column | None], text: str, writing: Writing) -> dict[str, str] | None:
    """A tab-separated row's cells (column name -> canonical value) under the header's headings, left to right.

    Args:
        headings: The column under each of the header's cells; None for a heading no column declares.
        text: The row's line.
        writing: How the document writes its values: numeric dates day-first or month-first, if it shows, and
            the type's CR and DR marks.

    Returns:
        The cells that read, or None when the row has more cells than the header, or no single way of
        placing its cells under the headings reads.
    """
    cells = [cell.text for cell in tab_cells(text)]
    missing = len(headings) - len(cells)
    if missing < 0:
        return None
    readings: list[dict[str, str]] = []
    for before in range(missing + 1):
        placed = [""] * before + cells + [""] * (missing - before)
        found = _read_cells(headings, placed, writing)
        if found is not None and found not in readings:
            readings.append(found)
        if len(readings) > 1:
            return None  # it reads in two places: which one it stands in, nothing says
    return readings[0] if readings else None


def _read_cells(headings: Sequence[Column | None], cells: Sequence[str], writing: Writing) -> dict[str, str] | None:
    found: dict[str, str] = {}
    for column, cell in zip(headings, cells, strict=True):
        if column is None:
            continue
        if not cell:
            if column.required:
                return None
            continue
        value = read_cell(column, cell, writing)
        if value is None:
            return None
        found[column.name] = value
    return found
