"""The values a test gives `DocumentType.check`, checked against the type and turned into what rules read."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from claimflow.state.did_you_mean import did_you_mean
from claimflow.state.evidence import Evidence
from claimflow.state.normalize import not_canonical
from claimflow.state.outcomes import FieldResult, TableRow
from claimflow.state.schema.fields import Column, Field

_NOWHERE = Evidence(page=1, start=0, end=0, quote="")
"""Rows given to `DocumentType.check` come from a test, not from a page."""
_ROWS = "a list of rows, each a dict of column -> canonical text"


def given_values(
    type_name: str,
    declared: Mapping[str, Field],
    values: Mapping[str, object],
    tables: Mapping[str, object] | None,
) -> tuple[dict[str, FieldResult], dict[str, list[TableRow]]]:
    """`values` as accepted field results and `tables` as rows; a table's rows may also be given in `values`.

    Raises:
        ValueError: A name the type does not declare, a table given twice, or a value or cell that is not
            canonical text of its kind (a date `01.05.2024`, an amount `lots`: rules would read no value); the
            message names the field (or cell), its kind and the canonical text to pass instead.
    """
    where = f"{type_name}.check()"
    results: dict[str, FieldResult] = {}
    rows: dict[str, list[TableRow]] = {}
    given_tables = dict(tables or {})
    for name, value in values.items():
        spec = _field(where, declared, name)
        if spec.is_table:
            if name in given_tables:
                raise ValueError(f"{where}: table {name!r} is given both in the values and in tables=; give it once")
            given_tables[name] = value
            continue
        results[name] = FieldResult(name=name, value=_value(where, spec, value), status="accepted", decided_by="test")
    for name, table in given_tables.items():
        spec = _field(where, declared, name)
        if not spec.is_table:
            raise ValueError(
                f"{where}: {name!r} is not a table (its kind is {spec.kind}): give its value in the values"
            )
        rows[name] = [TableRow(cells=_cells(where, spec, row), evidence=_NOWHERE) for row in _rows(where, name, table)]
    return results, rows


def _field(where: str, declared: Mapping[str, Field], name: object) -> Field:
    spec = declared.get(name) if isinstance(name, str) else None
    if spec is None:
        raise ValueError(
            f"{where}: the type has no field {name!r}{did_you_mean(name, declared)} (fields: {', '.join(declared)})"
        )
    return spec


def _value(where: str, spec: Field, value: object) -> str | list[str]:
    if isinstance(value, str) or (isinstance(value, list) and all(isinstance(item, str) for item in value)):
        for item in [value] if isinstance(value, str) else value:
            _readable(f"{where}: {spec.kind} field {spec.name!r}", spec, item)
        return value
    raise ValueError(
        f"{where}: {spec.name!r} is {value!r}; give canonical text as a rule would see it ('12.50', '2024-03-14',"
        " 'true'), or a list of such texts for a field that holds several values"
    )


def _readable(what: str, spec: Field | Column, text: str) -> None:
    # A value a rule cannot read as its kind reads as no value: the rules that need it would not run.
    problem = not_canonical(spec.kind, text, spec.choices)  # type: ignore[arg-type]
    if problem is not None:
        raise ValueError(f"{what}: {problem}")


def _rows(where: str, table: str, rows: object) -> Sequence[Mapping[object, object]]:
    if isinstance(rows, str | bytes | Mapping) or not isinstance(rows, Sequence):
        raise ValueError(f"{where}: table {table!r} is {rows!r}; give {_ROWS}")
    for row in rows:
        if not isinstance(row, Mapping):
            raise ValueError(f"{where}: table {table!r} holds {row!r}; give {_ROWS}")
    return rows


def _cells(where: str, spec: Field, row: Mapping[object, object]) -> dict[str, str | None]:
    columns = [column.name for column in spec.columns]
    cells: dict[str, str | None] = {}
    for column, value in row.items():
        if column not in columns:
            raise ValueError(f"{where}: table {spec.name!r} has no column {column!r} (columns: {', '.join(columns)})")
        if value is not None and not isinstance(value, str):
            raise ValueError(f"{where}: {spec.name}.{column} is {value!r}; give canonical text ('12.50')")
        if value is not None:
            declared = spec.column(str(column))
            assert declared is not None  # checked above
            _readable(f"{where}: {declared.kind} column {spec.name}.{column}", declared, value)
        cells[str(column)] = value
    return cells
