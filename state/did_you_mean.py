"""What a misspelt name could have been, said the one way every refusal of a name says it."""

from __future__ import annotations

from collections.abc import Iterable
from difflib import get_close_matches


def did_you_mean(name: object, names: Iterable[str]) -> str:
    """` (did you mean 'total_amount'?)`: the closest of `names` to a misspelt `name`; empty when none is close.

    `name` is what a declaration gave, perhaps no string at all (`duplicate_key=[5]`): that is close to no name.
    """
    near = get_close_matches(name, list(names), n=1) if isinstance(name, str) else []
    return f" (did you mean {near[0]!r}?)" if near else ""
