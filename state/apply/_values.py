"""How a reviewer's typed value is read and refused: by its kind, as a document's would be, named in words.

Shared by field edits and table cell edits (`review.py`, `row_edits.py`), so a cell's value is read exactly as a
`--set` value of the same kind, with the same refusals.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from claimflow.state.normalize import example_of, normalize_value, with_article
from claimflow.state.normalize.amounts import (
    MAX_WHOLE_DIGITS,
    format_amount,
    parse_amount,
    reads_two_ways,
    too_large_amount,
)
from claimflow.state.schema import Column, Field

_SHOWN_CHARS = 80
"""How much of a value a refusal quotes: enough to recognise it; a refusal is stored and shown to reviewers."""
_SHOWN_ITEMS = 10
"""How many unknown fields, or unreadable values of one field, a refusal names before it counts the rest."""


def shown(value: str) -> str:
    """`value` quoted, cut at _SHOWN_CHARS with a note of how long it was."""
    if len(value) <= _SHOWN_CHARS:
        return repr(value)
    return f"{value[:_SHOWN_CHARS]!r}... ({len(value):,} characters)"


def listed(items: Sequence[str]) -> str:
    """The first _SHOWN_ITEMS of `items`, quoted, and how many more there are."""
    named = ", ".join(shown(item) for item in items[:_SHOWN_ITEMS])
    return named if len(items) <= _SHOWN_ITEMS else f"{named} and {len(items) - _SHOWN_ITEMS:,} more"


def value_errors(
    spec: Field | Column, values: list[str], *, cited: bool = False, named: str | None = None
) -> list[str]:
    """Why `values` cannot be what a reviewer sets for `spec` (a field, or a table's column); empty when they can.

    `named`: what the messages call it, where not its name alone (a cell: `line_items row 2 quantity`).
    """
    name = named or spec.name
    multiple = isinstance(spec, Field) and spec.multiple
    errors: list[str] = []
    if not values and spec.required:
        # No values clears an optional field; a required one would leave the record without what its type needs.
        errors.append(f"{name} is required: it cannot be cleared; give it a value, or reject the run")
    elif not values and cited:
        errors.append(f"{name}: evidence is cited for a field being cleared: cite none, or give a value")
    if len(values) > 1 and not multiple:
        errors.append(f"{name} takes one value, got {len(values)}")
    unread = [value for value in values if normalize_value(spec.kind, value, spec.choices) is None]  # type: ignore[arg-type]
    if unread:
        example = example_of(spec.kind)
        # A reviewer's `12/03/2024` is refused for being day or month first: the form that is read either way.
        allowed = f"; give one such as {example}" if example is not None else ""
        if spec.kind == "enum":
            allowed = f" (one of: {', '.join(spec.choices)})"
        elif spec.kind == "amount" and any(too_large_amount(value) for value in unread):
            allowed = f": an amount has at most {MAX_WHOLE_DIGITS} whole digits"
        what = f"value {shown(unread[0])}" if len(unread) == 1 else f"values {listed(unread)}"
        errors.append(f"{name}: {what} cannot be read as {with_article(spec.kind)}{allowed}")
    # Read as a page's figure would be, `120.000` is 120000.00: a reviewer who meant 120.00 would set a value a
    # thousand times too large, which only a rule that cross-checks the field could catch.
    doubtful = [value for value in values if spec.kind == "amount" and value not in unread and reads_two_ways(value)]
    errors += [
        f"{name}: value {shown(value)} reads two ways, its separator before three digits grouping thousands"
        f" or marking decimals: write it with no grouping and a dot for decimals,"
        f" {format_amount(parse_amount(value) or Decimal(0))!r} or {_as_decimals(value)!r}"
        for value in doubtful
    ]
    return errors


def _as_decimals(value: str) -> str:
    """An amount that `reads_two_ways` (`1.500`, `1,496`) read with its separator as the decimal mark.

    As canonical text: `1.50`, and `1.4960` where the third decimal counts (an amount has one, two or four).
    """
    read = Decimal(value.strip().replace("\u2212", "-").replace(",", "."))
    cents = read.quantize(Decimal("0.01"))
    return format_amount(cents if cents == read else read.quantize(Decimal("0.0001")))
