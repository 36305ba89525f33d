"""Rows of a declared table, read under its header line; claimed only when the whole table reads.

Under each header line (see `_generic_rows.py`) the rows run until a blank line, a page number on a
line of its own (`Page 1 of 2`), a line that holds a label of a value field (`Total`), the end of the
page, or a line that is no row. A line shaped like
a row that does not read as one (a missing amount, `n/a` for a price), or a row found just past the
line the table seemed to end at (a wrapped description), breaks the table: then no row is claimed,
since a partial table is worse than none.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from claimflow.runtime.backends.rules._generic_rows import Header, read_header, read_row, row_shaped
from claimflow.runtime.backends.rules._generic_values import indent
from claimflow.runtime.backends.rules._lines import Line, Span, evidence
from claimflow.runtime.backends.rules._values import Writing
from claimflow.state.apply import check_row_claim
from claimflow.state.claims import RowClaim
from claimflow.state.documents import SourceText
from claimflow.state.lengths import MAX_VALUE_CHARS
from claimflow.state.schema import DocumentType, Field

_RULE = re.compile(r"[-=_|+*.:~\s\u2500-\u257f]+")
"""A ruled line ("-----  ---  -----", box drawing) between the header and the rows."""
_PAGE_MARK = re.compile(
    r"(?:(?:page|p\.|seite|página|pagina|pag\.|blad)[^\S\n]*\d+(?:[^\S\n]*(?:of|von|de|sur|di|van|/)[^\S\n]*\d+)?"
    r"|\d+[^\S\n]*(?:of|von|de|sur|di|van)[^\S\n]*\d+)[^\S\n]*",
    re.IGNORECASE,
)
"""A page number on a line of its own (`Page 1 of 2`, `Seite 2`, `1 of 3`): a footer, never a row."""
LOOK_AHEAD = 3
"""How many lines past the apparent end of a table are searched for a row it left behind."""


class _Broken(Exception):
    """The table's rows cannot all be read."""


def _ends(doc_type: DocumentType, pages: Sequence[str], lines: Sequence[Line], index: int) -> bool:
    """True when the table stops before line `index`: a new page, a blank line, a page number, a field's label.

    A PDF's text keeps no blank line where the page leaves a gap, so a footer (`Page 1 of 2`) may follow the
    last row directly; read as a row, its page count would be an amount.
    """
    line, previous = lines[index], lines[index - 1]
    if line.page != previous.page or pages[line.page - 1].count("\n", previous.end, line.start) >= 2:
        return True
    if _PAGE_MARK.fullmatch(line.text.strip()):
        return True
    return bool(doc_type.labels.find(line.text))


def _body(
    doc_type: DocumentType, table: Field, header: Header, pages: Sequence[str], lines: Sequence[Line],
    writing: Writing,
) -> list[tuple[Line, dict[str, str]]]:  # fmt: skip
    """The rows under a header; raises _Broken when a line in the table does not read as a row."""
    rows: list[tuple[Line, dict[str, str]]] = []
    for index in range(header.line.index + 1, len(lines)):
        line = lines[index]
        if _ends(doc_type, pages, lines, index):
            break
        if _RULE.fullmatch(line.text):
            continue  # "-----  ---  -----" under the header
        cells = read_row(table, header, line, indent(pages, line), writing)
        if cells is None and not rows and not any(char.isdigit() for char in line.text):
            continue  # the header's second line ("Stk.   EUR   EUR"), not a row
        if cells is None:
            if row_shaped(header, line, indent(pages, line), writing) or _rows_follow(
                doc_type, table, header, pages, lines, index, writing
            ):
                raise _Broken
            break
        rows.append((line, cells))
    return rows


def _rows_follow(
    doc_type: DocumentType, table: Field, header: Header, pages: Sequence[str], lines: Sequence[Line],
    index: int, writing: Writing,
) -> bool:  # fmt: skip
    """True when a row follows the line that seemed to end the table: it wrapped a description, say."""
    for ahead in range(index + 1, min(index + 1 + LOOK_AHEAD, len(lines))):
        if _ends(doc_type, pages, lines, ahead):
            return False
        if read_row(table, header, lines[ahead], indent(pages, lines[ahead]), writing) is not None:
            return True
    return False


def _claims(doc_type: DocumentType, table: Field, pages: Sequence[str], lines: Sequence[Line],
            writing: Writing) -> list[RowClaim]:  # fmt: skip
    claims: list[RowClaim] = []
    for line in lines:
        header = read_header(table, line, indent(pages, line))
        if header is None:
            continue
        for row, cells in _body(doc_type, table, header, pages, lines, writing):
            quoted = evidence(pages, Span(row.page, row.start, row.end))
            if quoted is None or any(len(value) > MAX_VALUE_CHARS for value in cells.values()):
                raise _Broken
            claims.append(RowClaim(table=table.name, cells=cells, evidence=quoted))
    return claims


def table_rows(doc_type: DocumentType, pages: Sequence[str], lines: Sequence[Line],
               writing: Writing) -> list[RowClaim]:  # fmt: skip
    """Row claims for every table field of the type whose rows all read and pass apply's row check.

    Args:
        doc_type: The type whose table fields are read.
        pages: Page texts, masked, in order.
        lines: The pages' lines (`split_lines(pages)`).
        writing: How the document writes its values: numeric dates day-first or month-first, if it shows, and
            the type's CR and DR marks.

    Returns:
        One claim per row, quoting the row's whole line; for a table with any row that does not read,
        or that apply would reject, no rows at all.
    """
    out: list[RowClaim] = []
    for table in doc_type.table_fields:
        try:
            claims = _claims(doc_type, table, pages, lines, writing)
        except _Broken:
            continue
        # The same checks apply runs: a row it would reject would leave a partial table.
        if all(_accepted(doc_type, pages, claim) for claim in claims):
            out += claims
    return out


def _accepted(doc_type: DocumentType, pages: Sequence[str], claim: RowClaim) -> bool:
    # A quote that states its page is looked for on that page only, so the other pages are left out:
    # the verdict is apply's, without searching the whole document once per row.
    page = claim.evidence.page or 0
    source = SourceText(pages=tuple(text if number == page else "" for number, text in enumerate(pages, start=1)))
    whole = SourceText(pages=tuple(pages))
    return check_row_claim(doc_type, claim, source, step="rules", claim_id="rules", whole=whole)[0].accepted
