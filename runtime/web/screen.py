"""What the review screen shows, gathered from a paused run: fields, rows, candidates, reasons, page marks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from claimflow.runtime.pages import IMAGE_TYPES
from claimflow.runtime.web.page_cache import PageCache
from claimflow.runtime.web.screen_models import Candidate, FieldCard, Mark, PageView, ReviewScreen, TableView
from claimflow.state.evidence import Evidence
from claimflow.state.review import ReviewField

if TYPE_CHECKING:
    from claimflow.runtime.engine import Engine, PendingReview
    from claimflow.state.documents import SourceText
    from claimflow.state.workflow import WorkflowState

__all__ = ["build_screen"]


_TONES = {"accepted": "ok", "edited": "edited", "rejected": "bad", "missing": "bad"}


class _Marker:
    """Hands out marks with page boxes, counting ids."""

    def __init__(self, state: WorkflowState, source: SourceText | None, pages: PageCache) -> None:
        self.state, self.source, self.pages = state, source, pages
        self.made: list[Mark] = []
        self.image = state.document.media_type in IMAGE_TYPES

    async def mark(self, evidence: Evidence, label: str, tone: str) -> Mark:
        boxes: list[dict[str, float]] = []
        if self.image and self.source is not None and evidence.page <= len(self.source.pages):
            text = self.source.page(evidence.page)
            boxes = await self.pages.boxes(self.state.document, evidence.page, text, evidence.start, evidence.end)
        made = Mark(
            f"m{len(self.made) + 1}", evidence.page, evidence.start, evidence.end, evidence.quote, boxes, label, tone
        )
        self.made.append(made)
        return made


def _values(value: str | list[str] | None) -> list[str]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


async def _candidates(events: list[dict[str, Any]], shown: ReviewField, marker: _Marker) -> list[Candidate]:
    """The accepted claims behind a conflicting field (in the run's `events`): one per value and extractor."""
    wanted = {(e.page, e.start, e.end) for e in shown.evidence}
    seen: set[tuple[str, str]] = set()
    found: list[Candidate] = []
    for row in reversed(events):
        data: dict[str, Any] = row["data"]
        evidence = data.get("evidence")
        if row["type"] != "claim.accepted" or data.get("field") != shown.name or not evidence:
            continue
        located = Evidence.model_validate(evidence)
        key = (str(data.get("normalized") or data.get("value")), str(data.get("origin") or "extractor"))
        if (located.page, located.start, located.end) not in wanted or key in seen:
            continue
        seen.add(key)
        found.append(
            Candidate(
                key[0], key[1], data.get("confidence"), await marker.mark(located, f"{shown.name}: {key[0]}", "warn")
            )
        )
    return list(reversed(found))


def _segments(text: str, marks: list[Mark]) -> list[tuple[str, list[str]]]:
    """The page text cut wherever a mark starts or ends, each piece with the marks over it."""
    cuts = sorted({0, len(text), *(m.start for m in marks), *(m.end for m in marks)})
    pieces = []
    for start, end in zip(cuts, cuts[1:], strict=False):
        over = [m.id for m in marks if m.start <= start and end <= m.end]
        pieces.append((text[start:end], over))
    return pieces


async def _pages(state: WorkflowState, source: SourceText | None, marker: _Marker) -> list[PageView]:
    count = len(source.pages) if source is not None else 0
    views = []
    for number in range(1, count + 1):
        marks = [m for m in marker.made if m.page == number]
        if marker.image and marks:
            layout = await marker.pages.layout(state.document, number, source.page(number) if source else "")
            views.append(PageView(number, True, layout.width, layout.height, marks=marks))
        elif marker.image:
            views.append(PageView(number, True))  # rendered when the browser scrolls to it, not before
        else:
            text = source.page(number) if source else ""
            views.append(PageView(number, False, segments=_segments(text, marks), marks=marks))
    return views


async def build_screen(engine: Engine, pending: PendingReview, pages: PageCache) -> ReviewScreen:
    """Gather a paused run's review screen from its open review, the state read with it and its claim events."""
    request, state = pending.request, pending.state
    source = await engine.store.load_text(state.text) if state.text is not None else None
    marker = _Marker(state, source, pages)
    doc_type = engine.types.find(state.doc_type)
    flagged = {reason.field for reason in request.reasons if reason.field}
    unsure = {reason.field for reason in request.reasons if reason.code == "low_confidence_field"}
    cards = []
    events: list[dict[str, Any]] | None = None  # read once, and only when a field's extractors disagree
    for shown in request.fields:
        spec = doc_type.field(shown.name) if doc_type else None
        card = FieldCard(
            name=shown.name,
            kind=shown.kind,
            required=shown.required,
            values=_values(shown.value),
            multiple=bool(spec and spec.multiple),
            status=shown.status,
            confidence=shown.confidence,
            reasons=shown.reasons,
            marks=[],
            flagged=shown.name in flagged,
            unsure=shown.name in unsure,
            follows=shown.follows,
            carries_to=[other.name for other in request.fields if shown.name in other.follows],
        )
        if shown.value is None and shown.evidence:
            if events is None:
                events = await engine.registry.events(request.run_id)
            card.candidates = await _candidates(events, shown, marker)
        if not card.candidates:
            tone = _TONES.get(shown.status, "ok") if not card.flagged or shown.status != "accepted" else "warn"
            # Extractors that agree cite the same place: one mark for it.
            places = {(e.page, e.start, e.end): e for e in shown.evidence}
            card.marks = [await marker.mark(e, shown.name, tone) for e in places.values()]
        cards.append(card)
    tables = []
    for spec in doc_type.fields if doc_type else ():
        if spec.is_table:
            columns = [column.name for column in spec.columns]
            accepted = state.tables.get(spec.name, [])
            rows = [
                (
                    [row.cells.get(column) or "" for column in columns],
                    await marker.mark(row.evidence, f"{spec.name} row", "row"),
                )
                for row in accepted
            ]
            doubts = [(index, doubt) for index, row in enumerate(accepted) for doubt in row.doubts]
            tables.append(TableView(spec.name, columns, rows, doubts))
    return ReviewScreen(
        run_id=request.run_id,
        document=request.document,
        doc_type=request.doc_type,
        interrupt_id=pending.interrupt_id,
        reasons=[(reason.code, reason.message, reason.field) for reason in request.reasons],
        failed_rules=[(r.rule, r.message, r.fields) for r in state.rule_results if not r.passed],
        fields=cards,
        tables=tables,
        pages=await _pages(state, source, marker),
        doc_types=request.doc_types,
        marks=marker.made,
    )
