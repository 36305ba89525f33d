"""Fields and table columns of a document type: what a document states, how it is written, how it is labelled."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from claimflow.state.errors import DeclarationError
from claimflow.state.labels import fold_label
from claimflow.state.normalize import FIELD_KINDS, VALUE_KINDS, Choices, FieldKind, ValueKind

NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
"""Field, column and type names: they become record keys, CSV columns and graph node names."""

RESERVED_FIELD_NAMES = frozenset({"run_id", "document_id", "filename", "doc_type", "document", "status"})
"""Names every record already has."""


def check_name(what: str, name: object) -> str:
    """Return `name` if it is a valid lower-case identifier, else raise DeclarationError naming `what`."""
    if not isinstance(name, str) or not NAME.match(name):
        raise DeclarationError(
            f"{what} name {name!r} is not a lower-case identifier (a-z, 0-9, _; starts with a letter)"
        )
    return name


def _strings(what: str, values: object) -> tuple[str, ...]:
    if isinstance(values, str) or not isinstance(values, Sequence):
        raise DeclarationError(f"{what} must be a list of strings, got {values!r}")
    out = []
    for value in values:
        if not isinstance(value, str) or not value.strip():
            raise DeclarationError(f"{what} has an empty or non-string entry {value!r}")
        out.append(" ".join(value.split()))
    return tuple(dict.fromkeys(out))


def _choices(what: str, kind: str, values: object) -> Choices:
    if kind != "enum":
        if values:
            raise DeclarationError(f"{what}: only enum fields take values; this one is {kind!r}")
        return MappingProxyType({})
    if not values:
        raise DeclarationError(f"{what}: an enum field needs its values, e.g. values=['standard', 'express']")
    if isinstance(values, Mapping):
        pairs = [(str(key), _strings(f"{what} value {key!r}", printed)) for key, printed in values.items()]
    else:
        pairs = [(value, ()) for value in _strings(f"{what} values", values)]
    for canonical, _ in pairs:
        if not canonical.strip():
            raise DeclarationError(f"{what}: an enum value is empty")
    return MappingProxyType({canonical: (canonical, *printed) for canonical, printed in pairs})


@dataclass(frozen=True, eq=False)
class Column:
    """One typed column of a table field (e.g. the `amount` of an invoice line).

    Args:
        name: The column's key in each row.
        kind: Any value kind (not `table`).
        required: A row without this cell is not accepted.
        description: What the column holds; models see it.
        labels: Header words documents print above the column (`Qty`, `Menge`).
        values: For an enum column, its values (a list, or a mapping of value -> printed forms).
    """

    name: str
    kind: ValueKind = "text"
    required: bool = False
    description: str = ""
    labels: Sequence[str] = ()
    values: Sequence[str] | Mapping[str, Sequence[str]] = ()
    choices: Choices = field(init=False, repr=False)

    def __post_init__(self) -> None:
        what = f"column {self.name!r}"
        check_name("column", self.name)
        if self.kind not in VALUE_KINDS:
            raise DeclarationError(f"{what}: unknown kind {self.kind!r}; column kinds: {', '.join(VALUE_KINDS)}")
        object.__setattr__(self, "labels", _strings(f"{what} labels", self.labels))
        object.__setattr__(self, "choices", _choices(what, self.kind, self.values))

    def describe(self) -> dict[str, object]:
        """The declaration as plain data (for `claimflow types` and the workflow version)."""
        return {
            "name": self.name, "kind": self.kind, "required": self.required, "description": self.description,
            "labels": list(self.labels), "values": {k: list(v) for k, v in self.choices.items()},
        }  # fmt: skip


@dataclass(frozen=True, eq=False)
class Field:
    """One field of a document type.

    Args:
        name: The field's key in records, exports and review edits.
        kind: text, identifier, date, amount, currency, duration, percentage, enum, boolean or table.
        required: A document without an accepted value goes to review.
        multiple: The field holds several values (e.g. the parties of a contract); one claim per value.
        description: What the field means; models see it.
        labels: The words documents print for it (`PO Number`, `Order No.`, `Bestellnummer`). Evidence whose
            nearest label belongs to another field is rejected; one of these labels proves the field.
        counter_labels: Labels that mark a *different role* for the same kind of value (`Bill to`, `Customer`
            for a vendor's name): a value under one of them is rejected for this field.
        values: For an enum field, its values: a list, or a mapping of value -> the ways documents print it.
        columns: For a table field, its typed columns.
        auto_accept: The confidence at which this field is accepted without review; overrides the policy's.
    """

    name: str
    kind: FieldKind = "text"
    required: bool = False
    multiple: bool = False
    description: str = ""
    labels: Sequence[str] = ()
    counter_labels: Sequence[str] = ()
    values: Sequence[str] | Mapping[str, Sequence[str]] = ()
    columns: Sequence[Column] = ()
    auto_accept: float | None = None
    choices: Choices = field(init=False, repr=False)

    def __post_init__(self) -> None:
        what = f"field {self.name!r}"
        check_name("field", self.name)
        if self.name in RESERVED_FIELD_NAMES:
            raise DeclarationError(
                f"{what}: the name is reserved (records already have {sorted(RESERVED_FIELD_NAMES)})"
            )
        if self.kind not in FIELD_KINDS:
            raise DeclarationError(f"{what}: unknown kind {self.kind!r}; kinds: {', '.join(FIELD_KINDS)}")
        object.__setattr__(self, "labels", _strings(f"{what} labels", self.labels))
        object.__setattr__(self, "counter_labels", _strings(f"{what} counter_labels", self.counter_labels))
        both = {fold_label(x) for x in self.labels} & {fold_label(x) for x in self.counter_labels}
        if both:
            raise DeclarationError(f"{what}: {sorted(both)} cannot be both a label and a counter-label")
        object.__setattr__(self, "choices", _choices(what, self.kind, self.values))
        self._check_columns(what)
        if self.auto_accept is not None and not 0.0 <= self.auto_accept <= 1.0:
            raise DeclarationError(f"{what}: auto_accept {self.auto_accept!r} is not between 0 and 1")

    def _check_columns(self, what: str) -> None:
        columns = tuple(self.columns)
        if self.kind != "table":
            if columns:
                raise DeclarationError(f"{what}: only table fields have columns; this one is {self.kind!r}")
        else:
            if not columns:
                raise DeclarationError(f"{what}: a table field needs its columns")
            if self.multiple:
                raise DeclarationError(f"{what}: a table already holds many rows; drop multiple=True")
            for column in columns:
                if not isinstance(column, Column):
                    raise DeclarationError(f"{what}: columns must be Column(...) declarations, got {column!r}")
            names = [column.name for column in columns]
            repeated = sorted({name for name in names if names.count(name) > 1})
            if repeated:
                raise DeclarationError(f"{what}: duplicate column(s) {', '.join(repeated)}")
        object.__setattr__(self, "columns", columns)

    @property
    def is_table(self) -> bool:
        """True for a table of rows (line items)."""
        return self.kind == "table"

    def column(self, name: str) -> Column | None:
        """The column with this name, for a table field."""
        return next((column for column in self.columns if column.name == name), None)

    def describe(self) -> dict[str, object]:
        """The declaration as plain data (for `claimflow types` and the workflow version)."""
        return {
            "name": self.name, "kind": self.kind, "required": self.required, "multiple": self.multiple,
            "description": self.description, "labels": list(self.labels),
            "counter_labels": list(self.counter_labels), "values": {k: list(v) for k, v in self.choices.items()},
            "columns": [column.describe() for column in self.columns], "auto_accept": self.auto_accept,
        }  # fmt: skip
