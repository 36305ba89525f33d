"""What a rule is given: its document's accepted values, typed on request, and the rows of its tables.

Every accessor is asked for a name, and a misspelt one would read as "no value": the rule would never fire and
nothing would say so. So a rule given its type's declaration (as `run_rules` and `DocumentType.check` give it)
may only read the fields it lists in `@rule(fields=[...])`, and only the columns its tables declare; anything
else raises `RuleFieldError`, naming the rule, the type, the name, where it was asked for, and the names it may use.
The listed fields are what results, `claimflow explain` and the review screen show a rule's failure beside.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from claimflow.state.did_you_mean import did_you_mean
from claimflow.state.errors import RuleFieldError
from claimflow.state.normalize import parse_amount, parse_iso_date, parse_number
from claimflow.state.outcomes import FieldResult, RuleResult, TableRow
from claimflow.state.schema.fields import Field

_USABLE = ("accepted", "edited")
_VALUE_ACCESSORS = "doc.text(), doc.amount(), doc.number(), doc.date(), doc.boolean() or doc.all()"
_TYPED_READS = {
    "amount": ("amount", "percentage"), "number": ("number",), "date": ("date",), "boolean": ("boolean",),
}  # fmt: skip
"""The accessors that type a value, and the field kinds each reads (`text`, `all` and `has` read any)."""
_READER_OF = {
    "amount": "doc.amount()", "percentage": "doc.amount()", "number": "doc.number()", "date": "doc.date()",
    "boolean": "doc.boolean()",
}  # fmt: skip
"""The accessor that reads a field of each typed kind; any other kind is read as text."""
_ROW_READER_OF = {
    "amount": "row.amount()", "percentage": "row.amount()", "number": "row.number()", "date": "row.date()",
}  # fmt: skip
"""The accessor that reads a cell of each typed kind; any other kind (a boolean too) is read as text."""


def _decimal(value: str | None) -> Decimal | None:
    return parse_amount(value) if value is not None else None


def _number(value: str | None) -> Decimal | None:
    # Not `parse_amount`: a number's `14.555` is fourteen and a bit, an amount's fourteen thousand and more.
    return parse_number(value) if value is not None else None


def _asked_at() -> str:
    """` at file.py:12`: where the rule asked, the first frame outside this module (empty when unknown)."""
    frame = inspect.currentframe()
    while frame is not None and frame.f_code.co_filename == __file__:
        frame = frame.f_back
    return f" at {Path(frame.f_code.co_filename).name}:{frame.f_lineno}" if frame is not None else ""


@dataclass(frozen=True)
class Row:
    """One accepted table row as a rule sees it: canonical cell values, typed on request."""

    cells: Mapping[str, str | None]
    table: str = ""
    """The table field the row belongs to."""
    columns: tuple[str, ...] | None = None
    """The table's declared columns; when given, a cell asked for by another name is refused."""
    reader: str = ""
    """Who reads the row (`rule 'x' of document type 'y'`), for that refusal's message."""
    kinds: Mapping[str, str] | None = None
    """The declared columns' kinds; when given, a cell read as another kind (a date as an amount) is refused."""

    def _cell(self, column: str, accessor: str = "text") -> str | None:
        if self.columns is not None and column not in self.columns:
            raise RuleFieldError(
                f"{self.reader or 'a rule'} reads column {column!r} of table {self.table!r}{_asked_at()}, which the"
                f" table does not declare{did_you_mean(column, self.columns)} (columns: {', '.join(self.columns)})"
            )
        kind, reads = (self.kinds or {}).get(column), _TYPED_READS.get(accessor)
        if kind is not None and reads is not None and kind not in reads:
            raise RuleFieldError(
                f"{self.reader or 'a rule'} reads {kind} column {column!r} of table {self.table!r} with"
                f" row.{accessor}(){_asked_at()}, which reads {' or '.join(reads)} cells; read it with"
                f" {_ROW_READER_OF.get(kind, 'row.text()')}"
            )
        return self.cells.get(column)

    def text(self, column: str) -> str | None:
        """The cell as text."""
        return self._cell(column)

    def amount(self, column: str) -> Decimal | None:
        """The cell as a Decimal (amount and percentage cells)."""
        return _decimal(self._cell(column, "amount"))

    def number(self, column: str) -> Decimal | None:
        """The cell as a Decimal (number cells: quantities, weights, measures)."""
        return _number(self._cell(column, "number"))

    def date(self, column: str) -> date | None:
        """The cell as a date."""
        value = self._cell(column, "date")
        return parse_iso_date(value) if value is not None else None


@dataclass(frozen=True)
class RuleInput:
    """What one rule is given: the document's accepted values, today's date, and earlier duplicates."""

    rule: str
    """The name of the rule being run (results are recorded under it)."""
    fields: tuple[str, ...]
    """The fields the rule declared it judges."""
    values: Mapping[str, FieldResult]
    tables: Mapping[str, Sequence[TableRow]] = field(default_factory=dict)
    today: date = field(default_factory=date.today)
    tolerance: Decimal = Decimal("0.01")
    """How far sums may differ (rounding) and still agree: the policy's amount tolerance."""
    earlier_runs: tuple[str, ...] = ()
    """Runs of this type ahead of this one with the same `duplicate_key` values (empty without a key): completed
    with them, or under way or waiting for review with them since before this run."""
    doc_type: str | None = None
    """The name of the document type whose rule this is."""
    declared: Mapping[str, Field] | None = None
    """The type's fields by name. When given, reading a field the type does not declare, or one the rule does not
    list in `fields`, raises `RuleFieldError` instead of reading as "no value"."""

    # checking the names a rule asks for -----------------------------------------------------
    @property
    def _reader(self) -> str:
        return f"rule {self.rule!r}" + (f" of document type {self.doc_type!r}" if self.doc_type else "")

    def _declared(self, name: str, accessor: str) -> Field | None:
        """The declaration of field `name`, refused unless the type declares it and the rule lists it."""
        if self.declared is None:
            return None
        spec = self.declared.get(name)
        if spec is None:
            raise RuleFieldError(
                f"{self._reader} reads field {name!r} with doc.{accessor}(){_asked_at()}, which the type does not"
                f" declare{did_you_mean(name, self.declared)} (fields: {', '.join(self.declared)})"
            )
        if name not in self.fields:
            raise RuleFieldError(
                f"{self._reader} reads field {name!r} with doc.{accessor}(){_asked_at()}, which the rule does not"
                f" list in @rule(fields=[...]) (it lists: {', '.join(self.fields)}); add it, so the rule's results"
                " name every field it judges"
            )
        return spec

    def _value_field(self, name: str, accessor: str) -> None:
        spec = self._declared(name, accessor)
        if spec is not None and spec.is_table:
            raise RuleFieldError(
                f"{self._reader} reads table {name!r} with doc.{accessor}(){_asked_at()}; a table holds rows:"
                f" read them with doc.rows({name!r})"
            )
        kinds = _TYPED_READS.get(accessor)
        if spec is not None and kinds is not None and spec.kind not in kinds:
            # A date read as an amount (or the other way) would be None for every document: the rule never fires.
            raise RuleFieldError(
                f"{self._reader} reads {spec.kind} field {name!r} with doc.{accessor}(){_asked_at()}, which reads"
                f" {' or '.join(kinds)} fields; read it with {_READER_OF.get(spec.kind, 'doc.text()')}"
            )

    def _usable(self, name: str) -> str | list[str] | None:
        result = self.values.get(name)
        if result is None or result.status not in _USABLE or result.value in (None, "", []):
            return None
        return result.value

    # reading values -------------------------------------------------------------------------
    def has(self, name: str) -> bool:
        """True when the field has an accepted or edited value (a table: at least one accepted row)."""
        spec = self._declared(name, "has")
        if spec is not None and spec.is_table:
            return bool(self.tables.get(name))
        return self._usable(name) is not None

    def text(self, name: str) -> str | None:
        """A single-valued field's value as text (None when it has no accepted value)."""
        self._value_field(name, "text")
        value = self._usable(name)
        return value if isinstance(value, str) else None

    def all(self, name: str) -> list[str]:
        """Every value of a field (one element for single-valued fields, none when missing)."""
        self._value_field(name, "all")
        value = self._usable(name)
        if value is None:
            return []
        return list(value) if isinstance(value, list) else [value]

    def amount(self, name: str) -> Decimal | None:
        """An amount or percentage field as a Decimal."""
        self._value_field(name, "amount")
        value = self._usable(name)
        return _decimal(value) if isinstance(value, str) else None

    def number(self, name: str) -> Decimal | None:
        """A number field (a quantity, a weight, a measure) as a Decimal."""
        self._value_field(name, "number")
        value = self._usable(name)
        return _number(value) if isinstance(value, str) else None

    def date(self, name: str) -> date | None:
        """A date field as a date."""
        self._value_field(name, "date")
        value = self._usable(name)
        return parse_iso_date(value) if isinstance(value, str) else None

    def boolean(self, name: str) -> bool | None:
        """A boolean field as True/False."""
        self._value_field(name, "boolean")
        value = self._usable(name)
        return value == "true" if isinstance(value, str) else None

    def rows(self, table: str) -> list[Row]:
        """The accepted rows of a table field; each reads its cells by column (`row.amount("amount")`)."""
        spec = self._declared(table, "rows")
        if spec is None:
            return [Row(row.cells) for row in self.tables.get(table, ())]
        if not spec.is_table:
            raise RuleFieldError(
                f"{self._reader} reads field {table!r} with doc.rows(){_asked_at()}, but it is not a table (its kind"
                f" is {spec.kind}): read it with {_VALUE_ACCESSORS}"
            )
        columns = tuple(column.name for column in spec.columns)
        kinds = {column.name: column.kind for column in spec.columns}
        return [Row(row.cells, table, columns, self._reader, kinds) for row in self.tables.get(table, ())]

    # results --------------------------------------------------------------------------------
    def check(self, passed: bool, message: str) -> RuleResult:
        """A result under this rule's name and fields: passed when `passed` is true."""
        return RuleResult(rule=self.rule, passed=passed, message=message, fields=list(self.fields))

    def passed(self, message: str) -> RuleResult:
        """A passing result."""
        return self.check(True, message)

    def failed(self, message: str) -> RuleResult:
        """A failing result."""
        return self.check(False, message)
