"""Whether a claimed value is right: both sides brought to their field kind's canonical form first.

Amounts compare as decimals, dates as ISO dates, currencies as codes; identifiers case-folded and without their
white space, which is layout (an IBAN prints in groups of four: `DE34 7007 0010` is `de3470070010`) where their
punctuation is not (`INV-10/7` is not `INV-107`); text compares by its words: case, spacing and the punctuation
between words do not count, because a label typed by hand (`Zimmer Inc.`, `NO.8,JALAN PERMAS`) and the same name
or address as the page prints it (`Zimmer, Inc.`, `NO. 8, JALAN PERMAS`) are one value. A field of several values
(a contract's parties) is right when the sets agree; scored value by value (`evals/values.py`), each value is
compared alone in the same canonical form.
"""

from __future__ import annotations

import re
from typing import Any

from claimflow.state.normalize import fold, normalize_value
from claimflow.state.schema import Column, Field

_WORD = re.compile(r"[^\W_]+")


def _words(text: str) -> str:
    """The case-folded words (runs of letters and digits) of a text, one space between them."""
    return " ".join(_WORD.findall(text.casefold()))


def canonical_item(spec: Field | Column, item: Any) -> str | None:
    """The comparable form of one value of a field or a table column; None when it is empty."""
    if item is None or str(item).strip() == "":
        return None
    text = str(item)
    kind = spec.kind if spec.kind != "table" else "text"
    normal = normalize_value(kind, text, spec.choices) or text
    if kind == "text":
        return _words(normal) or fold(normal)  # a value of punctuation alone still compares as itself
    return fold(normal).replace(" ", "") if kind == "identifier" else normal


def canonical(spec: Field | Column, value: Any) -> tuple[str, ...] | None:
    """The comparable form of a value (sorted for a field of several values); None when there is no value."""
    items = value if isinstance(value, list) else [value]
    out = [found for found in (canonical_item(spec, item) for item in items) if found is not None]
    return tuple(sorted(out)) if out else None


def is_right(spec: Field, claimed: Any, expected: Any) -> bool:
    """A claimed value equals the expected one after normalisation (no expected value: any claim is wrong)."""
    got, want = canonical(spec, claimed), canonical(spec, expected)
    return got is not None and got == want
