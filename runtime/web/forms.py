"""The review form: what the browser posts, turned into a `ReviewDecision`, and errors put back by field."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from pydantic import ValidationError

from claimflow.state.review import ReviewDecision

__all__ = [
    "REASON_MISSING",
    "DecisionForm",
    "cell_input",
    "drop_input",
    "errors_by_field",
    "input_label",
    "posted_fields",
    "read_decision",
    "rows_in_place",
]

MAX_FIELDS = 10_000
"""The most fields a posted form may have: the page's has two or three for each of the type's fields and cells."""

FIELD_PREFIX = "field."
"""Inputs named `field.<name>` hold a field's value as edited (one value per line for fields with several); one
emptied clears the field (an edit to no values, which the engine refuses for a required field)."""
ORIGINAL_PREFIX = "was."
"""Hidden inputs `was.<name>` hold the value shown, so only fields the reviewer changed become edits."""
CELL_PREFIX = "cell."
"""Inputs named `cell.<table>.<row>.<column>` hold a table cell as edited (rows numbered from 1, as shown); their
`was.` twins hold the cell shown. One emptied clears the cell (refused for a required column)."""
DROP_PREFIX = "drop."
"""Checkboxes named `drop.<table>.<row>`: the row is removed from the table."""


def _row_number(text: str) -> bool:
    # ASCII only: `²` is a digit to str.isdigit but no number to int().
    return text.isascii() and text.isdigit()


def cell_input(key: str) -> tuple[str, str, str] | None:
    """The table, row number and column a `cell.` input's name gives; None for another input, or one naming no row."""
    if not key.startswith(CELL_PREFIX):
        return None
    table, _, rest = key.removeprefix(CELL_PREFIX).partition(".")
    number, _, column = rest.partition(".")
    return (table, number, column) if table and _row_number(number) and column else None


def drop_input(key: str) -> tuple[str, str] | None:
    """The table and row number a `drop.` box's name gives; None for another input, or one naming no row."""
    if not key.startswith(DROP_PREFIX):
        return None
    table, _, number = key.removeprefix(DROP_PREFIX).rpartition(".")
    return (table, number) if table and _row_number(number) else None


def input_label(key: str, value: str) -> tuple[str, str]:
    """A typed input as the page labels it: a cell by its table, row and column, a ticked remove box as removed."""
    if (cell := cell_input(key)) is not None:
        return "{} row {} {}".format(*cell), value
    if (dropped := drop_input(key)) is not None:
        return "{} row {}".format(*dropped), "removed"
    return key, value


def rows_in_place(
    form: Mapping[str, str], edited: Mapping[str, str], tables: Mapping[str, Sequence[Mapping[str, str]]]
) -> tuple[dict[str, str], list[str]]:
    """`edited` without the cells and remove boxes whose row no longer shows what the form showed, and those, said.

    Rows are numbered as the page showed them; a decision since (a row removed) numbers them anew. A row is still
    the one the reviewer saw where every cell the form showed of it (its `was.` inputs) is the row's now: what was
    typed for it goes back into it; anything else would go into another row, to be saved there unread.
    `tables`: each table's rows now, each row its cells as the page shows them (column to text).
    """

    def same(table: str, number: str) -> bool:
        lead = f"{ORIGINAL_PREFIX}{CELL_PREFIX}{table}.{number}."
        was = {key.removeprefix(lead): value.strip() for key, value in form.items() if key.startswith(lead)}
        rows, index = tables.get(table, ()), int(number) - 1
        if not was or not 0 <= index < len(rows):
            return False
        return all(rows[index].get(column, "").strip() == value for column, value in was.items())

    kept: dict[str, str] = {}
    moved: list[str] = []
    for key, value in edited.items():
        place = cell_input(key) or drop_input(key)
        if place is None or same(place[0], place[1]):
            kept[key] = value
        else:
            label, said = input_label(key, value)
            moved.append(f"{label} = {said!r}" if cell_input(key) else f"{label} {said}")
    return kept, moved


def posted_fields(body: bytes, content_type: str | None) -> dict[str, str] | None:
    """A posted form's fields, as the page sends them; None for a body the page never sends.

    The page's form is URL-encoded, each field once, its text UTF-8 and percent-encoded. Read leniently, a file
    in a multipart body became its description, a field given twice its last value, and bytes not UTF-8
    replacement characters (or Latin-1 letters), each then recorded as the reviewer's word.
    """
    if (content_type or "").partition(";")[0].strip().lower() != "application/x-www-form-urlencoded":
        return None
    try:
        # A browser percent-encodes every byte that is not ASCII: a raw one was not sent by the page.
        pairs = parse_qsl(
            body.decode("ascii"), keep_blank_values=True, encoding="utf-8", errors="strict", max_num_fields=MAX_FIELDS
        )
    except ValueError:  # not UTF-8 (UnicodeDecodeError is one), or too many fields
        return None
    fields = dict(pairs)
    return fields if len(fields) == len(pairs) else None


@dataclass(frozen=True)
class DecisionForm:
    """A posted decision: the decision when it is well formed, else why not; the edited values to show again."""

    decision: ReviewDecision | None
    errors: list[str]
    edited: dict[str, str]
    reason_errors: tuple[str, ...] = ()
    """What is wrong with the reason (none given to a rejection, one too long), among `errors` too: the reason box
    is marked by them."""
    type_errors: tuple[str, ...] = ()
    """That an unknown type's edit chose no type, among `errors` too: the type's box is marked by it."""


REASON_MISSING = "a rejection needs a reason"
"""The decision's refusal of a rejection sent with no reason (`ReviewDecision`'s words)."""


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.replace("\r\n", "\n").split("\n") if line.strip()]


def _where(loc: tuple[int | str, ...]) -> str:
    """What a validation error is about, as the page shows it: an edited field's name puts it by that field."""
    if not loc:
        return ""  # about the whole decision (a rejection without a reason)
    if loc[0] == "edits" and len(loc) > 1:
        return f"{loc[1]}: "
    if loc[0] == "rows" and len(loc) > 1:  # a table's correction: said by the table, under it
        return f"{loc[1]}: "
    return f"{loc[0]}: "


def _row_edits(form: Mapping[str, str]) -> tuple[dict[str, dict[str, Any]], dict[str, str], list[str]]:
    """The table corrections a form posts: the decision's `rows`, the inputs to show again, and what they change.

    A cell becomes an edit only where the reviewer changed it; a key that does not name a row by its number is left
    out (the page never posts one).
    """
    rows: dict[str, dict[str, Any]] = {}
    kept: dict[str, str] = {}
    changes: list[str] = []
    for key, value in form.items():
        if (cell := cell_input(key)) is not None and value.strip() != form.get(ORIGINAL_PREFIX + key, "").strip():
            table, number, column = cell
            rows.setdefault(table, {}).setdefault("cells", {}).setdefault(number, {})[column] = value.strip()
            kept[key] = value
            changes.append(f"{table} row {number} {column}")
        elif (dropped := drop_input(key)) is not None:
            table, number = dropped
            rows.setdefault(table, {}).setdefault("drop", []).append(int(number))
            kept[key] = value
            changes.append(f"{table} row {number} (removed)")
    return rows, kept, changes


def read_decision(form: Mapping[str, str], reviewer: str) -> DecisionForm:
    """Read the posted form of the review screen as a decision by `reviewer` (the signed-in token's name)."""
    action = form.get("action", "")
    fields = {
        key.removeprefix(FIELD_PREFIX): value
        for key, value in form.items()
        if key.startswith(FIELD_PREFIX)
        and _lines(value) != _lines(form.get(ORIGINAL_PREFIX + key[len(FIELD_PREFIX) :], ""))
    }
    rows, cells, changes = _row_edits(form)
    edited = fields | cells  # what the page shows again as typed, a cell under its input's name
    doc_type = (form.get("doc_type") or "").strip() or None
    payload = {
        "reviewer": reviewer,
        "action": action,
        "edits": {name: _lines(value) for name, value in fields.items()} if action == "edit" else {},
        "rows": rows if action == "edit" else {},
        "doc_type": doc_type if action == "edit" else None,
        "reason": (form.get("reason") or "").strip() or None,
        "comment": (form.get("comment") or "").strip() or None,
    }
    if action == "approve" and edited:
        # Approving keeps the values as they were: a change the reviewer typed would be lost without a word.
        changed = ", ".join(sorted(fields) + changes)
        changed = f"you changed {changed}: save edits to keep the change, or undo it to approve"
        return DecisionForm(None, [changed], edited)
    try:
        return DecisionForm(ReviewDecision.model_validate(payload), [], edited)
    except ValidationError as error:
        messages = [_where(item["loc"]) + str(item["msg"]).removeprefix("Value error, ") for item in error.errors()]
        if action not in ("approve", "edit", "reject"):
            messages = ["choose approve, save edits or reject"]
        elif action == "edit" and not edited and doc_type is None:
            # The screen of a run of unknown type has no fields, only the type to choose (`doc_type`).
            if "doc_type" in form:
                messages = ["choose the document type before saving edits"]
                return DecisionForm(None, messages, edited, type_errors=tuple(messages))
            messages = ["change a field's value before saving edits"]
        return DecisionForm(None, messages, edited, _about_the_reason(messages, action))


def _about_the_reason(messages: Iterable[str], action: str) -> tuple[str, ...]:
    """The refusals that are the reason's to say: its box is marked by them, as a field's is by its errors."""
    return tuple(
        message.removeprefix("reason: ")
        for message in messages
        if message.startswith("reason: ") or (action == "reject" and message == REASON_MISSING)
    )


def errors_by_field(errors: Iterable[str], fields: Iterable[str]) -> tuple[dict[str, list[str]], list[str]]:
    """Split messages into those about one field (they start with its name) and the rest."""
    names = sorted(fields, key=len, reverse=True)  # `net_amount_x` before `net_amount`
    mine: dict[str, list[str]] = {}
    rest: list[str] = []
    for message in errors:
        owner = next((n for n in names if message.startswith((f"{n}:", f"{n} "))), None)
        if owner is None:
            rest.append(message)
        else:
            mine.setdefault(owner, []).append(message.removeprefix(f"{owner}:").strip())
    return mine, rest
