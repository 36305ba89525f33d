"""What the review screen shows: marks on pages, field cards, candidates, table rows, pages."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Candidate", "FieldCard", "Mark", "PageView", "ReviewScreen", "TableView"]


@dataclass(frozen=True)
class Mark:
    """One piece of evidence: where it is in the page text, and its boxes on the page image."""

    id: str
    page: int
    start: int
    end: int
    quote: str
    boxes: list[dict[str, float]]
    label: str
    """What the mark shows: the field (or table row) it is evidence for."""
    tone: str
    """How it is coloured: ok, edited, warn (a candidate, a flagged field), bad (rejected) or row."""


@dataclass(frozen=True)
class Candidate:
    """One extractor's value for a field the extractors disagree on."""

    value: str
    origin: str
    confidence: float | None
    mark: Mark | None


@dataclass
class FieldCard:
    """A claimed field beside the page."""

    name: str
    kind: str
    required: bool
    values: list[str]
    multiple: bool
    status: str
    confidence: float | None
    reasons: list[str]
    marks: list[Mark]
    candidates: list[Candidate] = field(default_factory=list)
    flagged: bool = False
    """A review reason names this field."""
    unsure: bool = False
    """Its confidence is below the bar the policy sets (a `low_confidence_field` reason names it)."""
    follows: list[str] = field(default_factory=list)
    """Fields a new value of which is given to this one too (it was read off their line, `ReviewField.follows`)."""
    carries_to: list[str] = field(default_factory=list)
    """Fields a new value of this one is given to too: those that follow it."""


@dataclass(frozen=True)
class TableView:
    """A table field: its columns and accepted rows, each row with the mark of the line it is written on."""

    name: str
    columns: list[str]
    rows: list[tuple[list[str], Mark]]
    doubts: list[tuple[int, str]] = field(default_factory=list)
    """Cells in doubt though their row's evidence holds them (a number that reads two ways): each row's index in
    `rows` and why, shown under the table and on its row."""


@dataclass(frozen=True)
class PageView:
    """One page: its image and size (0 until measured, and for text pages) or its text cut at the marks."""

    number: int
    image: bool
    width: int = 0
    height: int = 0
    segments: list[tuple[str, list[str]]] = field(default_factory=list)
    """Text pieces and the ids of the marks over each (text documents)."""
    marks: list[Mark] = field(default_factory=list)


@dataclass
class ReviewScreen:
    """Everything the review template needs."""

    run_id: str
    document: str
    doc_type: str
    interrupt_id: str
    reasons: list[tuple[str, str, str | None]]
    failed_rules: list[tuple[str, str, list[str]]]
    fields: list[FieldCard]
    tables: list[TableView]
    pages: list[PageView]
    doc_types: list[str]
    marks: list[Mark]
