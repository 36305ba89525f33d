"""The document as the label-driven extractor walks it: lines, the labels on each, the printed columns.

Each is computed once per document and looked up by position (bisection), so following every label
costs time in proportion to the text, however long its lines.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

from claimflow.runtime.backends.rules._generic_rows import read_header
from claimflow.runtime.backends.rules._generic_values import Chunk, chunks, indent
from claimflow.runtime.backends.rules._lines import Line
from claimflow.runtime.backends.rules._values import Writing
from claimflow.state.labels import COLUMN_SLACK, LabelHit
from claimflow.state.normalize import fold
from claimflow.state.schema import DocumentType


@dataclass
class Layout:
    """The document's lines with their label hits and printed columns, each computed once."""

    doc_type: DocumentType
    pages: Sequence[str]
    lines: Sequence[Line]
    writing: Writing
    _columns: dict[int, tuple[list[Chunk], list[int]]] = field(default_factory=dict)

    @cached_property
    def hits(self) -> list[list[LabelHit]]:
        """Every label on each line (offsets within the line's text), in order; hits never overlap."""
        return [self.doc_type.labels.find(line.text) for line in self.lines]

    @cached_property
    def titles(self) -> list[str]:
        """The type's titles as compared."""
        return [fold(title) for title in self.doc_type.titles]

    def heads_table(self, index: int) -> bool:
        """True when the line is the header of one of the type's tables."""
        line = self.lines[index]
        return any(read_header(t, line, indent(self.pages, line)) for t in self.doc_type.table_fields)

    @cached_property
    def hit_starts(self) -> list[list[int]]:
        """Where each label on each line starts."""
        return [[hit.start for hit in hits] for hits in self.hits]

    def chunks(self, index: int) -> tuple[list[Chunk], list[int]]:
        """The printed columns of a line, and the offset each starts at."""
        if index not in self._columns:
            found = chunks(self.lines[index].text)
            self._columns[index] = found, [chunk.start for chunk in found]
        return self._columns[index]

    def chunk_at(self, index: int, offset: int) -> Chunk | None:
        """The chunk of a line that holds `offset`."""
        found, starts = self.chunks(index)
        at = bisect_right(starts, offset) - 1
        return found[at] if at >= 0 and offset < found[at].end else None

    def column(self, index: int, offset: int) -> int:
        """The column (characters from the start of the page's line) of an offset in a line's text."""
        return indent(self.pages, self.lines[index]) + offset

    def below(self, index: int) -> Line | None:
        """The next non-empty line on the same page."""
        if index + 1 >= len(self.lines) or self.lines[index + 1].page != self.lines[index].page:
            return None
        return self.lines[index + 1]

    def blank_before(self, index: int) -> bool:
        """True when a blank line stands between this line and the one before it."""
        line, previous = self.lines[index], self.lines[index - 1]
        return self.pages[line.page - 1].count("\n", previous.end, line.start) >= 2

    def aligned(self, index: int, column: int) -> Chunk | None:
        """The chunk of a line that starts under `column` (within the slack labels allow), unless it holds a label."""
        found, starts = self.chunks(index)
        at = bisect_left(starts, column - COLUMN_SLACK - indent(self.pages, self.lines[index]))
        if at == len(found) or self.column(index, starts[at]) > column + COLUMN_SLACK:
            return None
        chunk, hits = found[at], self.hits[index]
        # Hits never overlap, so only the last one starting before the chunk's end may reach into it.
        before = bisect_right(self.hit_starts[index], chunk.end - 1)
        if before and hits[before - 1].end > chunk.start:
            return None
        return chunk
