"""Fields and table columns of a document type: what a document states, how it is written, how it is labelled."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from pydantic import BaseModel

from claimflow.state.errors import DeclarationError
from claimflow.state.labels import fold_label
from claimflow.state.normalize import FIELD_KINDS, VALUE_KINDS, Choices, FieldKind, ValueKind
from claimflow.state.schema._where import declaring_line

NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
"""Field, column and type names: they become record keys, CSV columns and graph node names."""

RESERVED_FIELD_NAMES = frozenset({"run_id", "document_id", "filename", "doc_type", "document", "status"})
"""Names every record already has."""
RESERVED_COLUMN_NAMES = frozenset({"evidence"})
"""Names every record row already has."""
CSV_FIELD_SUFFIXES = ("status", "confidence", "decided_by", "page", "quote")
"""What the records CSV writes of a value field beside its value, each in a column `<field>_<suffix>`
(`runtime/export.py`): a value field named like one would share that column."""
CSV_TABLE_COLUMNS = frozenset({"run_id", "row", "page", "quote"})
"""Columns the CSV export of a table writes beside the table's own (`runtime/export.py`): a column named like one
would be overwritten there."""
# A record and its rows are pydantic models: a field named like one of their methods (`json`, `copy`,
# `model_config`) would shadow it or break the model, and the export with it.
_MODEL_NAMES = frozenset(name for name in dir(BaseModel) if not name.startswith("_"))
_MODEL_PREFIXES = ("model_validate", "model_dump")


def _check_not_taken(what: str, name: str, reserved: frozenset[str], holder: str) -> None:
    if name in reserved:
        raise DeclarationError(f"{what}: the name is reserved ({holder} already have {sorted(reserved)})")
    if name in _MODEL_NAMES or name.startswith(_MODEL_PREFIXES):
        raise DeclarationError(
            f"{what}: the name is taken ({holder} are pydantic models, which have their own); rename it"
        )


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


def _labels(what: str, values: object) -> tuple[str, ...]:
    """Label strings; one that is only dots and colons is refused (compared as labels are, it is empty)."""
    labels = _strings(what, values)
    empty = next((label for label in labels if not fold_label(label)), None)
    if empty is not None:
        raise DeclarationError(f"{what}: {empty!r} has no words; a label is the words a document prints")
    return labels


def check_flags(what: str, **flags: object) -> None:
    """Refuse a flag that is not True or False (`required="no"` would read as true)."""
    for name, value in flags.items():
        if not isinstance(value, bool):
            raise DeclarationError(f"{what}: {name} must be True or False, got {value!r}")


def check_text(what: str, **texts: object) -> None:
    """Refuse a text setting that is not a string (prompts and `claimflow types` print it)."""
    for name, value in texts.items():
        if not isinstance(value, str):
            raise DeclarationError(f"{what}: {name} must be a string, got {value!r}")


def _choices(what: str, kind: str, values: object) -> Choices:
    if kind != "enum":
        if values:
            raise DeclarationError(f"{what}: only enum fields take values; this one is {kind!r}")
        return MappingProxyType({})
    if not values:
        raise DeclarationError(f"{what}: an enum field needs its values, e.g. values=['standard', 'express']")
    if isinstance(values, Mapping):
        odd = [key for key in values if not isinstance(key, str)]
        if odd:
            raise DeclarationError(f"{what}: enum value {odd[0]!r} is not a string")
        pairs = [(key, _strings(f"{what} value {key!r}", printed)) for key, printed in values.items()]
    else:
        pairs = [(value, ()) for value in _strings(f"{what} values", values)]
    for canonical, _ in pairs:
        if not canonical.strip():
            raise DeclarationError(f"{what}: an enum value is empty")
    choices = {canonical: (canonical, *printed) for canonical, printed in pairs}
    # A printed form two values share cannot say which of them a document means.
    seen: dict[str, str] = {}
    for canonical, printed in choices.items():
        for form in printed:
            other = seen.setdefault(fold_label(form), canonical)
            if other != canonical:
                raise DeclarationError(f"{what}: {form!r} is printed for both enum values {other!r} and {canonical!r}")
    return MappingProxyType(choices)


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
        _check_not_taken(what, self.name, RESERVED_COLUMN_NAMES, "rows")
        if self.name in CSV_TABLE_COLUMNS:
            raise DeclarationError(
                f"{what}: the name is reserved (the CSV export of a table writes its own"
                f" {', '.join(sorted(CSV_TABLE_COLUMNS))} columns beside the table's, and would overwrite this one);"
                f" give it another name, such as 'line_{self.name}'"
            )
        if self.kind not in VALUE_KINDS:
            raise DeclarationError(f"{what}: unknown kind {self.kind!r}; column kinds: {', '.join(VALUE_KINDS)}")
        check_flags(what, required=self.required)
        check_text(what, description=self.description)
        object.__setattr__(self, "labels", _labels(f"{what} labels", self.labels))
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
        kind: text, identifier, date, amount, currency, duration, percentage, number (a quantity, a weight, a
            measure: read without its unit, never as money), enum, boolean or table.
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
        shares_labels_of: Fields of the same kind whose labels prove this field too: an invoice's total printed
            only as `Amount Due` is its total when nothing was paid before (`total_amount` shares the labels of
            `amount_due`). Their labels stay theirs; a value under one proves either field.
        unless_printed: Labels that, printed anywhere in the document, stop `shares_labels_of` from proving this
            field: an invoice's amount due is its total only when nothing was paid before, so a document that
            prints `Prepaid` or `Anzahlung` owes something else, and its total no longer proves the amount due.
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
    shares_labels_of: Sequence[str] = ()
    unless_printed: Sequence[str] = ()
    choices: Choices = field(init=False, repr=False)
    declared_in: str | None = field(init=False, default=None, compare=False, repr=False)
    """`file:line` of the code that declared the field, for a type's messages about it."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "declared_in", declaring_line())
        what = f"field {self.name!r}"
        check_name("field", self.name)
        _check_not_taken(what, self.name, RESERVED_FIELD_NAMES, "records")
        if self.kind not in FIELD_KINDS:
            raise DeclarationError(f"{what}: unknown kind {self.kind!r}; kinds: {', '.join(FIELD_KINDS)}")
        check_flags(what, required=self.required, multiple=self.multiple)
        check_text(what, description=self.description)
        object.__setattr__(self, "labels", _labels(f"{what} labels", self.labels))
        object.__setattr__(self, "counter_labels", _labels(f"{what} counter_labels", self.counter_labels))
        both = {fold_label(x) for x in self.labels} & {fold_label(x) for x in self.counter_labels}
        if both:
            raise DeclarationError(f"{what}: {sorted(both)} cannot be both a label and a counter-label")
        object.__setattr__(self, "choices", _choices(what, self.kind, self.values))
        shared = _strings(f"{what} shares_labels_of", self.shares_labels_of)
        object.__setattr__(self, "shares_labels_of", tuple(check_name("field", name) for name in shared))
        object.__setattr__(self, "unless_printed", _labels(f"{what} unless_printed", self.unless_printed))
        if self.unless_printed and not self.shares_labels_of:
            raise DeclarationError(
                f"{what}: unless_printed says when shared labels stop proving the field; it shares none"
                " (declare shares_labels_of=(...) too, or drop unless_printed)"
            )
        self._check_columns(what)
        bar = self.auto_accept
        if bar is not None and (isinstance(bar, bool) or not isinstance(bar, int | float) or not 0.0 <= bar <= 1.0):
            raise DeclarationError(f"{what}: auto_accept {bar!r} is not between 0 and 1")

    def _check_columns(self, what: str) -> None:
        if isinstance(self.columns, str) or not isinstance(self.columns, Sequence):
            raise DeclarationError(f"{what}: columns must be a list of Column(...) declarations, got {self.columns!r}")
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
            # A header word two columns claim cannot say which column a document's column is.
            seen: dict[str, str] = {}
            for column in columns:
                for label in column.labels:
                    other = seen.setdefault(fold_label(label), column.name)
                    if other != column.name:
                        raise DeclarationError(
                            f"{what}: label {label!r} is declared by both columns {other} and {column.name}"
                        )
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
        described: dict[str, object] = {
            "name": self.name, "kind": self.kind, "required": self.required, "multiple": self.multiple,
            "description": self.description, "labels": list(self.labels),
            "counter_labels": list(self.counter_labels), "values": {k: list(v) for k, v in self.choices.items()},
            "columns": [column.describe() for column in self.columns], "auto_accept": self.auto_accept,
        }  # fmt: skip
        if self.shares_labels_of:  # a declaration without it describes itself as it always did
            described["shares_labels_of"] = list(self.shares_labels_of)
        if self.unless_printed:
            described["unless_printed"] = list(self.unless_printed)
        return described
