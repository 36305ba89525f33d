"""apply for table rows: each cell of a claimed row must be written in the row's quote.

A row's quote is the row as printed, from the first line of its description to its figures; a text cell
may run on around the row's figures onto another line (`wrapped_text_spans`), nothing looser.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from claimflow.state.claims import RowClaim
from claimflow.state.documents import SourceText
from claimflow.state.evidence import Evidence, locate
from claimflow.state.normalize import CreditMarks, Span, ValueCheck, check_value, wrapped_text_spans
from claimflow.state.normalize.numbers import decimal_mark
from claimflow.state.normalize.partial_dates import document_dates, partial_date_spans
from claimflow.state.outcomes import ClaimOutcome, TableRow
from claimflow.state.proof import Check, figures_as_written, not_an_amount
from claimflow.state.schema import Column, DocumentType, Field

_ROW_FOUND = "row found in the source; every cell is written in it"
"""Why a row is accepted."""


def _check_cell(
    column: Column, checked: ValueCheck, evidence: Evidence, page: str, marks: CreditMarks, pages: tuple[str, ...],
    drawn: Sequence[Sequence[Span]] = (),
) -> ValueCheck:  # fmt: skip
    """A cell is written in its row's quote as a whole token; a text cell may also run on around the figures.

    An amount's `CR` and `DR` read as the type's `credit_marks` say, and as the page's line reads them: a quote
    that stops before a row's `CR` or trailing minus does not make a credit a charge, nor one cut after a `€` a
    number of money (`figures_as_written`), and a number that reads two ways (`1.500`) reads as the document's
    other figures mark decimals, where they show it. A number is read within the cells the claim draws around it
    (`drawn`: the places of the row's other figures), so the `1` of `Gadget 1 100.00 100.00` claimed as a quantity
    of 1 at 100.00 is not also 1100 (`figures_as_written`). A date cell printed without its year (`12 Mar`,
    `12.03.`, `03/12`: the column says it is a date) takes the year the whole document (`pages`) gives it.
    """
    quote = evidence.quote
    if not checked.ok and column.kind == "date" and checked.normalized is not None:
        found, why = partial_date_spans(checked.normalized, quote, document_dates(pages), slashed=True)
        if not found:
            return ValueCheck(False, checked.normalized, why or checked.reason)
        written = tuple((start, end) for start, end, _ in found)
        return ValueCheck(True, checked.normalized, f"date {checked.normalized!r} is written without its year", written)
    if checked.ok and column.kind in ("amount", "number") and checked.normalized is not None:
        spans = [(evidence.start + start, evidence.start + end) for start, end in checked.spans]
        refused = not_an_amount(checked.normalized, page, spans, cell=True) if column.kind == "amount" else None
        if refused is not None:
            return ValueCheck(False, checked.normalized, refused, ())  # `Page 1 of 2` read as a row's amount
        decimal = decimal_mark(pages) if column.kind == "number" else None
        figures = figures_as_written(page, spans, checked.normalized, marks, column.kind, decimal=decimal, drawn=drawn)
        if figures.refusal is not None:
            return ValueCheck(False, checked.normalized, figures.refusal, ())
        return replace(checked, doubt=figures.doubt)
    if checked.ok or column.kind != "text" or checked.normalized is None:
        return checked
    spans = wrapped_text_spans(checked.normalized, quote)
    if not spans:
        return checked
    return ValueCheck(True, checked.normalized, "text written across the row's lines, around its figures", tuple(spans))


def _cell_problems(
    table: Field, claim: RowClaim, evidence: Evidence, page: str, marks: CreditMarks, pages: tuple[str, ...]
) -> tuple[dict[str, str | None], list[str], list[str]]:
    """The row's canonical cells, why any cell is refused, and why any it holds is in doubt."""
    cells: dict[str, str | None] = {column.name: None for column in table.columns}
    problems: list[str] = []
    doubts: list[str] = []
    written = {
        name: (column, check_value(column.kind, raw, evidence.quote, column.choices, marks=marks))
        for name, raw in claim.cells.items()
        if (column := table.column(name)) is not None and raw.strip()
    }
    places = {
        name: [(evidence.start + start, evidence.start + end) for start, end in checked.spans]
        for name, (column, checked) in written.items()
        if column.kind in ("amount", "number") and checked.ok
    }
    for name in claim.cells:
        if table.column(name) is None:
            problems.append(f"unknown column {name!r}; columns: {', '.join(c.name for c in table.columns)}")
            continue
        if name not in written:
            continue
        column, checked = written[name]
        drawn = [spans for other, spans in places.items() if other != name] if column.kind == "number" else []
        checked = _check_cell(column, checked, evidence, page, marks, pages, drawn)
        if not checked.ok:
            problems.append(f"{name}: {checked.reason}")
        elif checked.doubt:
            doubts.append(f"{name}: {checked.doubt}")
        cells[name] = checked.normalized
    missing = [c.name for c in table.columns if c.required and cells.get(c.name) is None]
    problems += [f"required column {name!r} is empty" for name in missing]
    return cells, problems, doubts


def _cells_text(table: Field | None, claim: RowClaim) -> str:
    """The claimed cells as one text, in the table's column order.

    The same claim reads the same however the model, or a recording (whose keys are sorted), ordered them.
    """
    declared = [column.name for column in table.columns] if table is not None and table.is_table else []
    names = [name for name in declared if name in claim.cells] + sorted(set(claim.cells) - set(declared))
    return "; ".join(f"{name}={claim.cells[name]}" for name in names)


def check_row_claim(
    doc_type: DocumentType, claim: RowClaim, source: SourceText, *, step: str, claim_id: str,
    whole: SourceText | None = None,
) -> tuple[ClaimOutcome, TableRow | None]:  # fmt: skip
    """Verdict on one table row: the row's quote is in the source and writes every cell as a whole value.

    `whole`: the whole document, where `source` holds only the pages the row is looked for on; its full dates give
    a date cell printed without its year (`12 Mar`) its year.
    """
    table = doc_type.field(claim.table)
    located = locate(claim.evidence, source)
    check: Check = "no_label"
    if table is None or not table.is_table:
        tables = ", ".join(t.name for t in doc_type.table_fields) or "none"
        problems, check = [f"unknown table {claim.table!r} for a {doc_type.name}; tables: {tables}"], "unknown_field"
        cells: dict[str, str | None] = {}
        doubts: list[str] = []
    elif located.evidence is None:
        problems, check, cells, doubts = [f"evidence rejected: {located.reason}"], "quote_not_found", {}, []
    else:
        page = source.page(located.evidence.page)
        pages = (whole or source).pages
        cells, problems, doubts = _cell_problems(table, claim, located.evidence, page, doc_type.credit_marks, pages)
        check = "value_not_in_quote" if problems else "no_label"
    accepted = not problems and located.evidence is not None
    outcome = ClaimOutcome(
        claim_id=claim_id, step=step, field=claim.table, value=_cells_text(table, claim),
        accepted=accepted, reasons=problems or [_ROW_FOUND, *(f"in doubt: {doubt}" for doubt in doubts)],
        evidence=located.evidence, check=check, doubt="; ".join(doubts) or None,
    )  # fmt: skip
    if not accepted or located.evidence is None:
        return outcome, None
    return outcome, TableRow(cells=cells, evidence=located.evidence, doubts=doubts)


def unless_repeated(
    outcome: ClaimOutcome, row: TableRow, accepted: list[TableRow]
) -> tuple[ClaimOutcome, TableRow | None]:
    """The row, or its refusal when its quote overlaps an accepted row's: one printed row is one row of the table.

    Claimed twice, a row would count twice wherever the table is added up (`line_items_sum_to_net`).
    """
    for number, other in enumerate(accepted, start=1):
        mine, theirs = row.evidence, other.evidence
        if mine.page == theirs.page and mine.start < theirs.end and theirs.start < mine.end:
            reason = f"the printed row of row {number} ({theirs.quote!r}) again: each printed row is one row"
            return outcome.model_copy(update={"accepted": False, "check": "row_repeated", "reasons": [reason]}), None
    return outcome, row
