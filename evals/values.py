"""One run's values scored against its labels: one value per field, per value of a multiple field, per table cell.

A single-value field gives at most one value. A `multiple` field (a contract's parties) is scored as a set:
each distinct claimed value is right when the labels list it, so a value the labels lack is a false positive
and a labelled value nobody claimed a false negative, in any order. A table (an invoice's `line_items`) is
scored row by row: claimed rows are paired with labelled rows by how many cells agree, most first, and each
cell is a value of its column, keyed `<table>.<column>` (`line_items.amount`); a cell is right when its row's
partner has the same value in that column. Values compare in their canonical form (`evals/scoring.py`). A
table the labels leave out is not scored at all; labelled as `[]`, every row claimed for it is wrong.

Each value carries the confidence of the claim that gave it, read from the run's `claim.accepted` events:
the value's own claim for a multiple field, the row's claim for a cell (None when the claim stated none).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from claimflow.evals.scoring import canonical, canonical_item, is_right
from claimflow.state.outcomes import FieldResult, TableRow
from claimflow.state.schema import DocumentType, Field


@dataclass(frozen=True)
class ClaimedValue:
    """One value a run gave, with the confidence of the claim that decided it."""

    field: str
    """The field, or `<table>.<column>` for a table cell."""
    value: Any
    confidence: float | None
    right: bool


@dataclass(frozen=True)
class AcceptedClaim:
    """One accepted claim as the run's events recorded it."""

    claim_id: str
    field: str
    normalized: str | None
    confidence: float | None
    place: tuple[int, int, int] | None
    """The evidence's page, start and end."""


def accepted_claims(events: Iterable[Mapping[str, Any]]) -> list[AcceptedClaim]:
    """The `claim.accepted` events of a run, in order."""
    found = []
    for event in events:
        data = event.get("data") or {}
        if event.get("type") != "claim.accepted" or not data.get("field"):
            continue
        evidence = data.get("evidence") or {}
        place = (evidence["page"], evidence["start"], evidence["end"]) if "page" in evidence else None
        claim_id, normalized, confidence = data.get("claim_id", ""), data.get("normalized"), data.get("confidence")
        found.append(AcceptedClaim(claim_id, data["field"], normalized, confidence, place))
    return found


def column_key(table: Field, column: str) -> str:
    """The key a table column is counted under: `line_items.amount`."""
    return f"{table.name}.{column}"


def expected_counts(doc_type: DocumentType, expected: Mapping[str, Any]) -> dict[str, int]:
    """How many values the labels give per field and per table column."""
    counts: dict[str, int] = {}
    for spec in doc_type.value_fields:
        counts[spec.name] = len(set(canonical(spec, expected.get(spec.name)) or ()))
    for table in doc_type.table_fields:
        if table.name not in expected:
            continue  # a table the labels leave out is not scored (an empty list expects no rows)
        rows = _labelled_rows(table, expected[table.name])
        for column in table.columns:
            counts[column_key(table, column.name)] = sum(column.name in row for row in rows)
    return counts


def _labelled_rows(table: Field, rows: Any) -> list[dict[str, str]]:
    if not isinstance(rows, list):
        return []
    return [_cells(table, row) for row in rows if isinstance(row, Mapping)]


def _cells(table: Field, row: Mapping[str, Any]) -> dict[str, str]:
    """A row's non-empty cells in canonical form."""
    out = {}
    for column in table.columns:
        value = canonical_item(column, row.get(column.name))
        if value is not None:
            out[column.name] = value
    return out


def pair_rows(claimed: Sequence[Mapping[str, str]], labelled: Sequence[Mapping[str, str]]) -> dict[int, int]:
    """Claimed row index -> labelled row index, pairing the rows with the most agreeing cells first.

    Ties go to rows at the same position, then to the earlier rows; a row agreeing in no cell stays unpaired.
    """
    scored = [
        (sum(labelled[j].get(name) == value for name, value in row.items()), i, j)
        for i, row in enumerate(claimed)
        for j in range(len(labelled))
    ]
    pairs: dict[int, int] = {}
    taken: set[int] = set()
    for overlap, i, j in sorted(scored, key=lambda item: (-item[0], abs(item[1] - item[2]), item[1], item[2])):
        if overlap > 0 and i not in pairs and j not in taken:
            pairs[i] = j
            taken.add(j)
    return pairs


def _field_values(
    spec: Field, result: FieldResult, expected: Any, claims: Sequence[AcceptedClaim]
) -> list[ClaimedValue]:
    deciding = set(result.decided_by.split(", "))
    own = [c for c in claims if c.field == spec.name and c.claim_id in deciding]
    if not spec.multiple:
        confidence = max((c.confidence for c in own if c.confidence is not None), default=result.confidence)
        return [ClaimedValue(spec.name, result.value, confidence, is_right(spec, result.value, expected))]
    wanted = set(canonical(spec, expected) or ())
    values: list[ClaimedValue] = []
    seen: set[str] = set()
    for item in result.value if isinstance(result.value, list) else [result.value]:
        key = canonical_item(spec, item)
        if key is None or key in seen:
            continue
        seen.add(key)
        stated = [c.confidence for c in own if c.confidence is not None and canonical_item(spec, c.normalized) == key]
        values.append(ClaimedValue(spec.name, item, max(stated, default=result.confidence), key in wanted))
    return values


def _table_values(
    table: Field, rows: Sequence[TableRow], expected: Any, claims: Sequence[AcceptedClaim]
) -> list[ClaimedValue]:
    claimed = [_cells(table, row.cells) for row in rows]
    labelled = _labelled_rows(table, expected)
    pairs = pair_rows(claimed, labelled)
    values = []
    for index, (row, cells) in enumerate(zip(rows, claimed, strict=True)):
        place = (row.evidence.page, row.evidence.start, row.evidence.end)
        confidence = next((c.confidence for c in reversed(claims) if c.field == table.name and c.place == place), None)
        partner = labelled[pairs[index]] if index in pairs else {}
        values += [
            ClaimedValue(column_key(table, name), row.cells[name], confidence, partner.get(name) == value)
            for name, value in cells.items()
        ]
    return values


def scored_values(
    doc_type: DocumentType,
    expected: Mapping[str, Any],
    fields: Mapping[str, FieldResult],
    tables: Mapping[str, Sequence[TableRow]],
    claims: Sequence[AcceptedClaim],
) -> list[ClaimedValue]:
    """Every accepted value of a run, field by field then table by table, scored against `expected`."""
    values: list[ClaimedValue] = []
    for spec in doc_type.value_fields:
        result = fields.get(spec.name)
        if result is None or result.status != "accepted" or canonical(spec, result.value) is None:
            continue
        values += _field_values(spec, result, expected.get(spec.name), claims)
    for table in doc_type.table_fields:
        if table.name in expected:
            values += _table_values(table, tables.get(table.name, ()), expected[table.name], claims)
    return values
