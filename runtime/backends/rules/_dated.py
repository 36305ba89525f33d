"""A labelled date: the first date after a label on its line, or alone on the line below it."""

from __future__ import annotations

from collections.abc import Sequence

from claimflow.runtime.backends.rules._claims import Finding
from claimflow.runtime.backends.rules._lines import Line, Span, span_of
from claimflow.runtime.backends.rules._values import DateOrder, dates_in


def date_after(
    field: str, line: Line, lines: Sequence[Line], at: int, order: DateOrder | None, top: float
) -> Finding | None:
    """The date after the label that starts at `at`, with `top` as the confidence of a sure reading."""
    found = [d for d in dates_in(line.text, order) if d.start >= at]
    if found:
        d = found[0]
        return Finding(field, d.iso, top if d.sure else top - 0.25, span_of(line, min(at, d.start), d.end))
    nxt = lines[line.index + 1] if line.index + 1 < len(lines) else None
    if nxt is None or nxt.page != line.page or line.text[at:].strip(" :.") or len(nxt.text) > 60:
        return None
    below = dates_in(nxt.text, order)
    if not below:
        return None
    d = below[0]
    # The value below a label may belong to a table column: weaker than "Label: value".
    confidence = top - 0.15 if d.sure else top - 0.35
    return Finding(field, d.iso, confidence, Span(line.page, line.start + at, nxt.start + d.end))
