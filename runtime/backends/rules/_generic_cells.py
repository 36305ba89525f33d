"""Table cells: a stretch of a row read whole as one value of its column's kind.

A cell holds its value and nothing else but what commonly rides along: a currency beside an amount
(`74,70 €`, `$8.25`, even a symbol that names no single currency), a unit after a quantity, an amount's or a
number's (`3 Stk.`, `12 pcs`, `14.5 kg`), punctuation. Rows printed with single spaces are read from the right,
one value per column (`last_value`); a currency written right before an amount goes with it, not with the cell to
its left. The columns left of a row's one text column are read from the left (`first_value`).
"""

from __future__ import annotations

import re
from dataclasses import replace

from claimflow.runtime.backends.rules._generic_currency import currency_before, minus_before, without_currencies
from claimflow.runtime.backends.rules._generic_values import LETTER, Reading, Typed, read_values, tokens, value_kind
from claimflow.runtime.backends.rules._values import Writing
from claimflow.state.normalize import ValueKind, collapse_space

_UNIT = re.compile(r"\s*(?:[^\W\d_]{1,6}\.?)?\s*")
_PUNCTUATION = re.compile(r"[\s.,;:)\]]*")


def read_cell(spec: Typed, text: str, writing: Writing) -> str | None:
    """A table cell: the whole of `text` is one value of the column's kind (an amount may carry a unit)."""
    kind = value_kind(spec)
    if kind is None:
        return None
    if kind == "text":
        value = collapse_space(text)
        return value if LETTER.search(value) else None
    found = read_values(spec, text, writing, inline=False)
    if len(found) != 1 or not _rest_is_empty(kind, text[found[0].end :]):
        return None
    return found[0].value


def last_value(spec: Typed, text: str, writing: Writing) -> Reading | None:
    """The value of the column's kind that ends `text` (after it only a currency, a unit or punctuation).

    An amount's reading starts at a currency written right before it (`$30.00`), so what is left of
    the row for the cells to its left holds no part of it; at the minus before that currency when the amount
    reads negative by it (`-$5.00`). After a minus it does not read as a sign (`–$5.00`) it is none.
    """
    kind = value_kind(spec)
    if kind is None or kind == "text":
        return None
    found = tokens(kind, spec.choices, text, writing)
    if not found:
        return None
    last = max(found, key=lambda r: (r.end, -(r.end - r.start)))
    if not _rest_is_empty(kind, text[last.end :]):
        return None
    if kind != "amount":
        return last
    start = currency_before(text, last.start)
    return None if start < last.start and minus_before(text, start) else replace(last, start=start)


def first_value(spec: Typed, text: str, writing: Writing) -> Reading | None:
    """The value of the column's kind that starts `text` (a date before a statement line's description)."""
    kind = value_kind(spec)
    if kind is None or kind == "text":
        return None
    found = read_values(spec, text, writing, inline=False)
    return found[0] if found else None


def _rest_is_empty(kind: ValueKind, rest: str) -> bool:
    if kind == "number":
        return bool(_UNIT.fullmatch(rest))  # a number beside a currency is money: `find_numbers` reads none there
    if kind != "amount":
        return bool(_PUNCTUATION.fullmatch(rest))
    # A quantity may carry its unit ("3 Stk.", "12 pcs"); an amount its currency.
    return bool(_UNIT.fullmatch(without_currencies(rest)))


def has_value(spec: Typed, text: str, writing: Writing) -> bool:
    """True when `text` writes any value of the column's kind (a line shaped like a row)."""
    kind = value_kind(spec)
    return kind is not None and kind != "text" and bool(tokens(kind, spec.choices, text, writing))
