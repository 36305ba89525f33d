"""Invoice line items: rows of the item table, claimed only when the arithmetic proves the table.

The table runs from the first to the last proven row (one whose quantity x unit price is its
amount); any other priced line in between must be an item too, and the rows must add up to the
net amount. When anything fails, no line item is claimed at all: a partial table is worse than
none, and the `line_items_sum_to_net` rule would flag it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from claimflow.runtime.backends.rules._labels import amount_role
from claimflow.runtime.backends.rules._lines import Line, Span, evidence, split_lines
from claimflow.runtime.backends.rules._rows import CENT, Row, read_row
from claimflow.state.apply import check_row_claim
from claimflow.state.claims import RowClaim
from claimflow.state.documents import SourceText
from claimflow.state.lengths import MAX_VALUE_CHARS
from claimflow.state.normalize import collapse_space, format_amount, parse_amount
from claimflow.state.schema import DocumentType

LINE_ITEMS = "line_items"
"""The table field the rows are claimed for."""

_MAX_WRAP = 8
_POSITION = re.compile(r"^(\d{1,6}(?:\.\d{1,4})*)[.)]?\s+(?=\S)")
_CARRIED = re.compile(r"\b(?:carried|brought)\s+forward\b|\bübertrag\b|\bà\s+reporter\b|\breport\b", re.IGNORECASE)
_HEADER_WORD = re.compile(
    r"\b(?:qty|quantity|menge|anzahl|qt[ée]|quantit[ée]|cantidad|aantal|price|preis|einzelpreis|prix|precio|amount"
    r"|betrag|montant|importe|total|description|bezeichnung|beschreibung|d[ée]signation|artikel|item|pos|unit|einheit"
    r"|vat|tax|mwst|ust|tva|iva|steuersatz)\b",
    re.IGNORECASE,
)
_LONG_CODE = re.compile(r"\d{8,}")
_LETTER = re.compile(r"[^\W\d_]")


def _header(line: Line) -> bool:
    return len(_HEADER_WORD.findall(line.text)) >= 2


def _note(row: Row) -> bool:
    """A figure that is no item: a carried-forward subtotal, "Gross price: 2.06", a lone "01.02" (a position)."""
    # Passing over a line is safe where rejecting the table would only be cautious: a real item left
    # out makes the rows miss the net amount, and then no item is claimed at all.
    if row.proven or row.shaped:
        return False
    return not row.text or row.text.endswith(":") or bool(_CARRIED.search(row.text))


def _free(row: Row) -> bool:
    """A free item: a real quantity at a price of nothing."""
    return row.proven and row.unit_price == 0 and row.quantity != 0


def _bounds(lines: Sequence[Line], rows: dict[int, Row]) -> tuple[int, int] | None:
    # A zero factor proves nothing ("VAT 0 of 465.00 = 0.00"): only rows with an amount anchor the table.
    anchors = [index for index, row in rows.items() if row.proven and row.amount != 0]
    if not anchors:
        return None
    bounds = [anchors[0], anchors[-1]]
    # Free items ("Bonus gift 1 0.00 0.00") may still open or close it; a column header ends the search.
    for end, step in ((0, -1), (1, 1)):
        index = bounds[end] + step
        while 0 <= index < len(lines) and not _header(lines[index]):
            if index in rows and not _note(rows[index]):
                if not _free(rows[index]):
                    break
                bounds[end] = index
            index += step
    return bounds[0], bounds[1]


def _table(lines: Sequence[Line]) -> list[Row] | None:
    """The rows of the proven stretch of lines, or None when one of them cannot be an item."""
    rows = {line.index: row for line in lines if (row := read_row(line)) is not None}
    bounds = _bounds(lines, rows)
    if bounds is None:
        return None
    table: list[Row] = []
    for index in range(bounds[0], bounds[1] + 1):
        row = rows.get(index)
        if row is None or _note(row):
            continue
        # Figures that do not multiply out, a subtotal, a discount: not a table the arithmetic proves.
        if not row.proven and (row.shaped or amount_role(row.text) is not None or not _LETTER.search(row.text)):
            return None
        table.append(row)
    return table


def _stop(line: Line) -> bool:
    # Lines that are not part of a description: labels, column headers, codes, anything priced.
    return ":" in line.text or _header(line) or bool(_LONG_CODE.search(line.text)) or read_row(line) is not None


@dataclass(frozen=True)
class _Printed:
    """A row as printed: its description, and the lines from the description's first to its last."""

    description: str
    first: Line
    last: Line


def _wrapped(lines: Sequence[Line], row: Row) -> _Printed:
    """The row's description: on its own line, continued below; or, when the line holds only numbers, above it."""
    parts = [row.text] if _LETTER.search(row.text) else []
    step = 1 if parts else -1
    first = last = row.line
    index = row.line.index + step
    while 0 <= index < len(lines) and abs(index - row.line.index) <= _MAX_WRAP:
        line = lines[index]
        # Below, only a line that carries on a phrase ("line, including spare parts") belongs to the row.
        if line.page != row.line.page or _stop(line) or (step == 1 and not line.text[0].islower()):
            break
        parts, first, last = ([*parts, line.text], first, line) if step == 1 else ([line.text, *parts], line, last)
        index += step
    return _Printed(collapse_space(" ".join(parts)), first, last)


def _printed(lines: Sequence[Line], table: Sequence[Row]) -> list[_Printed]:
    printed = [_wrapped(lines, row) for row in table]
    starts = [_POSITION.match(p.description) for p in printed]
    keys = [tuple(int(part) for part in m[1].split(".")) if m else () for m in starts]
    # Leading numbers that rise from row to row ("1", "2" or "01.01", "01.02") are positions, not what was sold.
    numbered = [key for key in keys if key]
    if numbered and all(a < b for a, b in zip(numbered, numbered[1:], strict=False)):
        printed = [
            replace(p, description=p.description[m.end() :]) if m else p for p, m in zip(printed, starts, strict=True)
        ]
    return printed


def _plain(value: Decimal | None) -> str | None:
    """A plain decimal that the amount reading accepts: "12", "1.5", "205.00" for "205,0000"."""
    if value is None:
        return None
    if value != value.quantize(CENT):
        return None  # "2,0625" per unit: printed, but not expressible as a plain two-decimal figure
    exponent = value.as_tuple().exponent
    return f"{value.quantize(CENT) if isinstance(exponent, int) and exponent < -2 else value:f}"


def invoice_line_items(doc_type: DocumentType, pages: Sequence[str], net_amount: str | None) -> list[RowClaim]:
    """Claims for the rows of the invoice's item table, or none when the table is not proven.

    Args:
        doc_type: The invoice type the rows are checked against (its `line_items` table).
        pages: Page texts, masked, in order.
        net_amount: The net amount claimed for the invoice; without it the table cannot be checked.

    Returns:
        One claim per row, quoting the row as printed (from the first line of its description to the
        last, the line with its figures among them), when every row with a quantity and a unit
        price multiplies out and the rows add up to the net amount (within a cent per row);
        otherwise an empty list.
    """
    net = parse_amount(net_amount) if net_amount is not None else None
    lines = split_lines(pages)
    table = _table(lines)
    if net is None or not table:
        return []
    if abs(sum((row.amount for row in table), Decimal(0)) - net) > CENT * len(table):
        return []
    source = SourceText(pages=tuple(pages))
    claims: list[RowClaim] = []
    for row, printed in zip(table, _printed(lines, table), strict=True):
        quoted = evidence(pages, Span(row.line.page, printed.first.start, printed.last.end))
        if quoted is None or not printed.description or len(printed.description) > MAX_VALUE_CHARS:
            return []
        cells = {
            "description": printed.description,
            "quantity": _plain(row.quantity),
            "unit_price": _plain(row.unit_price),
            "amount": format_amount(row.amount),
        }
        claim = RowClaim(
            table=LINE_ITEMS,
            cells={name: value for name, value in cells.items() if value is not None},
            evidence=quoted,
        )
        # The same checks apply runs: one row it would reject would leave a partial table.
        if not check_row_claim(doc_type, claim, source, step="rules", claim_id="rules")[0].accepted:
            return []
        claims.append(claim)
    return claims
