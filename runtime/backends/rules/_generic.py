"""Offline extraction and classification for any declared type, from its declaration alone (labels, kinds).

A type that brings no extractor or detector of its own is read here by its labels:
- each value field beside or below each of its labels (`_generic_fields.py`), by its kind
  (`_generic_values.py`), and kept only when apply's own evidence checks accept it (`to_claims`);
- a field that reads differently at two of its labels is claimed with every value at a low confidence,
  so apply reports the conflict and the document goes to review with each candidate and its quote;
- a currency nobody labelled may be read beside an amount that was (`1.234,50 EUR`), less surely; a
  symbol that names no single currency (`$849.60`, `¥1,200`) is read past to its amount, never claimed;
- each table field under its header line (`_generic_tables.py`), all rows or none; an HTML table's
  rows (cells separated by tabs) cell by cell under its headings (`_generic_tabbed.py`).
It is classified by its titles and labels (`_generic_detect.py`).

What it does not read: a value no label of its field leads to (a supplier named only in the letterhead);
words between a label and its value (`Total amount due: 52.00` when the label is `Total`); a value below
its label but out of its column; the lines after the first of a text value (an address); a table without
a header line naming two of its columns and every required one, or whose rows wrap, miss a required cell
or, printed with single spaces, have a text column other than the first; an HTML table with a row of
more cells than its header has headings (a column with an empty heading at either end), or with a row
that lost empty end cells and so reads in two places. Only a label and one clear value on one line
reach the default auto-accept bar; everything else goes to review.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from claimflow.runtime.backends.rules._claims import Finding, shared_claims, to_claims
from claimflow.runtime.backends.rules._generic_detect import find_title, label_hits
from claimflow.runtime.backends.rules._generic_fields import MAX_QUOTE, Read, field_reads
from claimflow.runtime.backends.rules._generic_tables import table_rows
from claimflow.runtime.backends.rules._lines import Line, Span, evidence, span_of, split_lines
from claimflow.runtime.backends.rules._values import Writing, date_order
from claimflow.state.claims import ExtractionClaim, FieldClaim
from claimflow.state.evidence import ClaimedEvidence
from claimflow.state.normalize import currency_mentions, fold
from claimflow.state.normalize.numbers import decimal_mark
from claimflow.state.normalize.partial_dates import document_dates
from claimflow.state.schema import Detection, DocumentType

TITLE = 3.0
"""What a title is worth (the built-in detectors' scale)."""
LABEL = 1.0
"""What each field whose label is printed is worth."""
MAX_LABELS = 6
"""Labels count up to this many fields: a long form must not outweigh a title by its length alone."""
MAX_QUOTES = 3
"""Quotes a detection shows: the title, then labels."""
CONFLICT = 0.4
"""The confidence of each value of a field that reads differently at two of its labels: review decides."""
CURRENCY_BESIDE = 0.6
"""A currency printed beside a labelled amount, with no label of its own."""
MAX_READS = 24
"""Reads checked per field: the evidence check searches the whole text, so a label printed thousands of
times must not make extraction quadratic."""
_BESIDE = 2
"""How many spaces may stand between an amount and its currency."""


def generic_detect(pages: Sequence[str], doc_type: DocumentType) -> Detection:
    """Score the pages for `doc_type` by its titles and its fields' labels.

    Args:
        pages: Page texts, masked, in order.
        doc_type: A declared type without a detector of its own.

    Returns:
        The score: 3 for one of the type's titles on a short line in the first 30 lines (not a label
        such as "Purchase Order No."), plus 1 for each field whose label is printed (a table once), at
        most 6; with up to three quotes, the title first, then labels.
    """
    lines = split_lines(pages)
    title = find_title(lines, doc_type.titles)
    labels = label_hits(doc_type, lines)
    score = (TITLE if title else 0.0) + LABEL * min(len(labels), MAX_LABELS)
    quotes: list[ClaimedEvidence] = []
    seen: set[str] = set()
    for hit in ([title] if title else []) + labels:
        quoted = evidence(pages, span_of(hit.line, hit.start, hit.end))
        if quoted is not None and quoted.quote.casefold() not in seen and len(quotes) < MAX_QUOTES:
            seen.add(quoted.quote.casefold())
            quotes.append(quoted)
    return Detection(score=score, quotes=quotes)


def generic_extract(pages: Sequence[str], doc_type: DocumentType) -> ExtractionClaim:
    """Claim each field read beside or below one of its labels, and each table read under its header.

    Args:
        pages: Page texts, masked, in order.
        doc_type: A declared type without an extractor of its own.

    Returns:
        Field claims that apply's evidence checks accept, each quoting its label and value with page and
        offsets (0.85 for a label and one clear value on a line, 0.7 for a value on the line below, 0.65
        under a row of headings, less when the reading is doubtful, 0.4 for each value of a field that
        reads differently at two labels); and the rows of each table whose rows all read.
    """
    lines = split_lines(pages)
    writing = _writing(doc_type, pages)
    reads = _strongest_first(field_reads(doc_type, pages, lines, writing))
    fields = to_claims(doc_type, pages, [Finding(r.field, r.value, r.confidence, r.quote) for r in reads])
    fields += to_claims(doc_type, pages, _currency_beside(doc_type, pages, reads, fields))
    fields = _settle(doc_type, fields)
    fields += shared_claims(doc_type, pages, fields)
    return ExtractionClaim(fields=fields, rows=table_rows(doc_type, pages, lines, writing))


def generic_findings(
    doc_type: DocumentType, pages: Sequence[str], lines: Sequence[Line], fields: frozenset[str]
) -> list[Finding]:
    """The reads of `fields` by their labels, strongest first, for an extractor that reads the others its own way."""
    reads = _strongest_first(field_reads(doc_type, pages, lines, _writing(doc_type, pages), only=fields))
    return [Finding(r.field, r.value, r.confidence, r.quote) for r in reads]


def _writing(doc_type: DocumentType, pages: Sequence[str]) -> Writing:
    """How the document writes its values: its date order, the type's credit marks, its decimal mark, its dates."""
    return Writing(date_order(pages), doc_type.credit_marks, decimal_mark(pages), document_dates(pages))


def _strongest_first(reads: list[Read]) -> list[Read]:
    """The most confident reads first (document order among equals), at most MAX_READS per field."""
    ranked = sorted(reads, key=lambda read: -read.confidence)
    count: dict[str, int] = defaultdict(int)
    kept = []
    for read in ranked:
        count[read.field] += 1
        if count[read.field] <= MAX_READS:
            kept.append(read)
    return kept


def _settle(doc_type: DocumentType, claims: list[FieldClaim]) -> list[FieldClaim]:
    """Claims of a single-valued field that disagree keep every value, none of them confidently."""
    values: dict[str, set[str]] = defaultdict(set)
    for claim in claims:
        spec = doc_type.field(claim.field)
        if spec is not None and not spec.multiple:
            values[claim.field].add(fold(claim.value) if spec.kind == "text" else claim.value)
    return [
        claim.model_copy(update={"confidence": min(claim.confidence, CONFLICT)})
        if len(values.get(claim.field, ())) > 1
        else claim
        for claim in claims
    ]


def _currency_beside(
    doc_type: DocumentType, pages: Sequence[str], reads: Sequence[Read], claims: Sequence[FieldClaim]
) -> list[Finding]:
    """The one currency printed beside the claimed amounts, for a type whose currency field found no label."""
    currencies = [spec for spec in doc_type.value_fields if spec.kind == "currency" and not spec.multiple]
    if len(currencies) != 1 or any(claim.field == currencies[0].name for claim in claims):
        return []
    claimed = {(c.field, c.value, c.evidence.page, c.evidence.start) for c in claims}
    found: list[Finding] = []
    for read in reads:
        spec = doc_type.field(read.field)
        quoted = evidence(pages, read.quote)
        if spec is None or spec.kind != "amount" or quoted is None:
            continue
        if (read.field, read.value, quoted.page, quoted.start) not in claimed:
            continue
        beside = _beside(pages[read.at.page - 1], read.at)
        if beside is not None:
            found.append(Finding(currencies[0].name, beside[0], CURRENCY_BESIDE, beside[1]))
    # Amounts in two currencies: which one is the document's is not for a rule to guess.
    return found if len({finding.value for finding in found}) == 1 else []


def _beside(page: str, at: Span) -> tuple[str, Span] | None:
    """A currency written right before or after the amount at `at`, and the span to quote for it."""
    line_start = page.rfind("\n", 0, at.start) + 1
    line_end = page.find("\n", at.end)
    line_end = len(page) if line_end < 0 else line_end
    begin, end = max(line_start, at.start - 12), min(line_end, at.end + 12)
    for code, start, stop in currency_mentions(page[begin:end]):
        start, stop = begin + start, begin + stop
        if start > line_start and page[start - 1].isalpha() and page[start].isalpha():
            continue  # "TEUR": cut out of a longer word by the window
        if at.start < stop and start < at.end:
            continue
        gap = page[stop : at.start] if stop <= at.start else page[at.end : start]
        if len(gap) <= _BESIDE and not gap.strip():
            whole = Span(at.page, line_start, line_end)
            near = Span(at.page, min(start, at.start), max(stop, at.end))
            return code, whole if whole.end - whole.start <= MAX_QUOTE else near
    return None
