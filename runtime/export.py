"""Writing finished records where the user asks: JSON Lines, JSON or CSV, with each type's own columns.

JSON and JSON Lines nest a table field (line items) as a list of rows, each with its evidence. CSV has one
row per document and the type's fields as columns: the value, then its status, confidence, decider, and the
pages and quotes of its evidence (`total_amount`, `total_amount_status`, ..., `total_amount_quote`), so a
spreadsheet shows where each value is written; each table field goes to its own CSV beside it
(`records.line_items.csv`: run id, row number, the columns, page and quote). A CSV holds one type's columns,
so records of several types go to one file per type (`records.invoice.csv`, ...).

A CSV is opened in spreadsheets, which run a cell that starts with `=`, `+`, `-` or `@` as a formula: text from a
document (`=HYPERLINK(...)` as a vendor name or a file name) could fetch URLs or run commands there. Such a cell,
or one starting with a tab or a carriage return, is written with a leading `'` (OWASP's advice), which
spreadsheets show as text. Values the record types as numbers (amounts, percentages, numbers) are written as they
are, so `-12.50` and `-3` stay negative numbers; every other cell is text, and is neutralised.

A field that holds several values has them in one cell, joined by `; `. A value that itself holds a `;` or starts
with a double quote is written in double quotes, its own quotes doubled (`"Smith; Jones"; Acme`), so the cell
splits back into the values it was made of.

An export that found no records still writes the columns it would have: the type's, when it is of one type (asked
for with `--type`, or the only type loaded); else the columns every type's CSV starts with.

A CSV is UTF-8, as programs read it. Excel reads a CSV without a byte order mark in the machine's legacy code
page (`Müller` shows as `MÃ¼ller`), so `excel=True` (`claimflow export --excel`) starts each file with the UTF-8
BOM: spreadsheets then read it right, and so do programs that read it as `utf-8-sig` (pandas does by itself).
Without it, a program reading plain UTF-8 would find the BOM in the first column's name: it is not the default.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from claimflow.runtime.whole_file import write_whole
from claimflow.state.records import DocumentRecord
from claimflow.state.schema import DocumentType, DocumentTypes
from claimflow.state.schema.fields import CSV_FIELD_SUFFIXES

FORMATS = ("jsonl", "json", "csv")


def format_for(path: Path) -> str:
    """The output format a file name asks for; JSON Lines unless it ends in .csv or .json."""
    suffix = path.suffix.lower().lstrip(".")
    return suffix if suffix in FORMATS else "jsonl"


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""What a spreadsheet takes for the start of a formula (or strips before looking for one)."""


def _text(value: Any) -> str:
    """A value as the record's JSON writes it: a yes/no field as `true` or `false` (Python would write `True`)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _one_of_several(value: Any) -> str:
    """One value of a field that holds several, quoted when it could not be told from the `; ` between them."""
    text = _text(value)
    return '"' + text.replace('"', '""') + '"' if ";" in text or text.startswith('"') else text


def _cell(value: Any) -> str:
    """A CSV cell: a number as it is written; text that could start a formula behind a leading `'`."""
    if isinstance(value, (Decimal, int, float)) and not isinstance(value, bool):
        return str(value)
    text = "; ".join(_one_of_several(item) for item in value) if isinstance(value, list) else _text(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _csv(columns: Sequence[str], rows: Iterable[dict[str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns))
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


_RECORD_COLUMNS = ("run_id", "document", "doc_type")
"""The columns every type's records CSV starts with."""


def _field_cells(name: str, field: dict[str, Any]) -> dict[str, str]:
    """A value field's cells: its value, then (`CSV_FIELD_SUFFIXES`) status, confidence, decider, pages, quotes.

    A value with several spans of evidence has their pages and quotes in one cell each, in the same order,
    joined as several values are (`1; 2`, `"Total: 120.00"; "Amount due 120.00"` when a quote holds a `;`).
    """
    evidence = field["evidence"]
    own = (
        field["status"],
        field["confidence"],
        field["decided_by"],
        [span["page"] for span in evidence],
        [span["quote"] for span in evidence],
    )
    cells = {name: _cell(field["value"])}
    cells.update({f"{name}_{suffix}": _cell(value) for suffix, value in zip(CSV_FIELD_SUFFIXES, own, strict=True)})
    return cells


def records_csv(doc_type: DocumentType, records: Sequence[DocumentRecord]) -> str:
    """One row per record: run, document, type, then each value field's value and what `_field_cells` writes."""
    columns = list(_RECORD_COLUMNS)
    for spec in doc_type.value_fields:
        columns += [spec.name, *(f"{spec.name}_{suffix}" for suffix in CSV_FIELD_SUFFIXES)]
    rows = []
    for record in records:
        data = record.model_dump()  # typed values: a Decimal is a number, a str is text
        row = {"run_id": _cell(record.run_id), "document": _cell(record.filename), "doc_type": _cell(record.doc_type)}
        for spec in doc_type.value_fields:
            row.update(_field_cells(spec.name, data[spec.name]))
        rows.append(row)
    return _csv(columns, rows)


TABLE_ROW_LEAD = ("run_id", "row")
"""The columns a table's CSV writes before the table's own: which run, which row of it."""
TABLE_ROW_TRAIL = ("page", "quote")
"""The columns a table's CSV writes after the table's own: where the row is written. A type may name no column
like one of these or the lead's (`state.schema.fields.CSV_TABLE_COLUMNS`), which would be overwritten."""


def table_csv(doc_type: DocumentType, table: str, records: Sequence[DocumentRecord]) -> str:
    """One row per table row: run, row number, the table's columns, and where the row is written."""
    spec = doc_type.field(table)
    assert spec is not None and spec.is_table
    names = [column.name for column in spec.columns]
    rows = []
    for record in records:
        for number, row in enumerate(record.model_dump()[table], start=1):
            evidence = row["evidence"]
            cells = {name: _cell(row.get(name)) for name in names}
            lead = (_cell(record.run_id), _cell(number))
            trail = (_cell(evidence["page"]), _cell(evidence["quote"]))
            rows.append({**dict(zip(TABLE_ROW_LEAD, lead, strict=True)), **cells,
                         **dict(zip(TABLE_ROW_TRAIL, trail, strict=True))})  # fmt: skip
    return _csv([*TABLE_ROW_LEAD, *names, *TABLE_ROW_TRAIL], rows)


def render_records(records: Iterable[DocumentRecord], fmt: str) -> str:
    """The records as JSON Lines or JSON text (tables nested)."""
    items = list(records)
    if fmt == "json":
        return json.dumps([r.model_dump(mode="json") for r in items], indent=2, ensure_ascii=False) + "\n"
    if fmt == "jsonl":
        return "".join(json.dumps(r.model_dump(mode="json"), ensure_ascii=False) + "\n" for r in items)
    raise ValueError(f"render_records writes json or jsonl, not {fmt!r}; CSV goes through write_records")


def _beside(path: Path, *parts: str) -> Path:
    return path.with_name(".".join([path.stem, *parts]) + path.suffix)


def _single_layout(path: Path, types: DocumentTypes) -> dict[Path, set[tuple[str, ...]]]:
    """The files a CSV export of one type writes to `path`, each with the header rows such an export gives it.

    `path` (the records: the columns every type's CSV starts with, or a type's own) and, beside it, a CSV per
    table field (that table's columns).
    """
    headers: dict[Path, set[tuple[str, ...]]] = {path: {_RECORD_COLUMNS}}
    for doc_type in types:
        headers[path].add(_header(records_csv(doc_type, [])))
        for table in doc_type.table_fields:
            headers.setdefault(_beside(path, table.name), set()).add(_header(table_csv(doc_type, table.name, [])))
    return headers


def _header(text: str) -> tuple[str, ...]:
    return tuple(next(csv.reader(io.StringIO(text)), []))


def _first_row(path: Path) -> tuple[str, ...] | None:
    """The header row of a CSV file (a BOM, as `--excel` writes it, left out), or None when it is not UTF-8 text."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as file:
            return tuple(next(csv.reader(file), []))
    except (OSError, UnicodeDecodeError, csv.Error):
        return None


@dataclass(frozen=True)
class Written:
    """What `write_records` did: the files it wrote, and those of an earlier export it removed or left in place."""

    files: tuple[Path, ...]
    removed: tuple[Path, ...] = ()
    """Files an earlier CSV export of one type wrote to the same name (by their header row), not written again."""
    kept: tuple[Path, ...] = ()
    """Files with such a name that no export wrote (another header): left as they are, and not this export's."""


def write_records(
    records: Iterable[DocumentRecord],
    path: Path,
    types: DocumentTypes,
    *,
    doc_type: str | None = None,
    excel: bool = False,
) -> Written:
    """Write records to `path` in the format its name asks for; say every file written, removed and left.

    `doc_type` says the export is of that one type: with no records, its CSV still has the type's columns.
    `excel`: start every CSV file with the UTF-8 byte order mark, for spreadsheets (a CSV export only).

    A CSV export replaces what an earlier export of one type wrote to `path`: that file and its tables, those
    this export does not write again, are removed (left in place, an old export would pass for part of this
    one: invoices' line items beside contracts, or beside an export that found nothing). Only a file whose header
    row is the one such an export writes there is removed; any other file of that name is the user's, and is left.
    Per-type files (`path` stem dot type) are never removed: another export may have been named so.
    """
    fmt = format_for(path)
    if excel and fmt != "csv":  # a BOM is no part of JSON (RFC 8259 forbids it), and no spreadsheet opens JSON Lines
        raise ValueError(f"excel=True writes CSV, not {fmt}: name a .csv file")
    items = list(records)
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt != "csv":
        write_whole(path, render_records(items, fmt))
        return Written((path,))
    only = doc_type if doc_type is not None else (types.names[0] if len(types) == 1 else None)
    written = _write_csv(items, path, types, only, encoding="utf-8-sig" if excel else "utf-8")
    removed, kept = [], []
    for stale, headers in sorted(_single_layout(path, types).items()):
        if stale in written or not stale.is_file():
            continue
        if _first_row(stale) in headers:
            stale.unlink(missing_ok=True)
            removed.append(stale)
        else:
            kept.append(stale)
    return Written(tuple(written), tuple(removed), tuple(kept))


def _write_csv(
    items: Sequence[DocumentRecord], path: Path, types: DocumentTypes, only: str | None, *, encoding: str
) -> list[Path]:
    # An export of one type writes its files, found records or not: an empty export has the type's columns.
    by_type: dict[str, list[DocumentRecord]] = {only: []} if only is not None else {}
    for record in items:
        by_type.setdefault(record.doc_type, []).append(record)
    if not by_type:
        write_whole(path, _csv(_RECORD_COLUMNS, []), encoding)
        return [path]
    written: list[Path] = []
    several = len(by_type) > 1
    for name, group in by_type.items():
        doc_type = types.get(name)
        target = _beside(path, name) if several else path
        write_whole(target, records_csv(doc_type, group), encoding)
        written.append(target)
        for table in doc_type.table_fields:
            table_path = _beside(path, *((name,) if several else ()), table.name)
            write_whole(table_path, table_csv(doc_type, table.name, group), encoding)
            written.append(table_path)
    return written
