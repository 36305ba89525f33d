"""The words that name a document type: its titles, its fields' own labels and its keywords.

A classification is believed only if one of its quotes holds one of these words of the claimed type:
"INVOICE" quoted for a receipt names no receipt, whatever the claim's confidence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cached_property

from claimflow.state.labels import fold_label
from claimflow.state.normalize import fold

__all__ = ["TypeWords"]

# A word stands alone when no letter touches it: "CASHIER01" holds "cashier", "Invoiced" does not hold "invoice".
_NOT_AFTER_LETTER = r"(?<![^\W\d_])"
_NOT_BEFORE_LETTER = r"(?![^\W\d_])"


class TypeWords:
    """A type's naming words, folded (case and spacing), matched as whole words in a quote."""

    def __init__(self, words: Iterable[str]) -> None:
        folded = {fold_label(word) for word in words}
        self.words: tuple[str, ...] = tuple(sorted((word for word in folded if word), key=lambda w: (-len(w), w)))

    @cached_property
    def _pattern(self) -> re.Pattern[str] | None:
        if not self.words:
            return None
        alternatives = "|".join(re.escape(word) for word in self.words)
        return re.compile(f"{_NOT_AFTER_LETTER}(?:{alternatives}){_NOT_BEFORE_LETTER}")

    def find(self, quote: str) -> str | None:
        """The first naming word written in `quote` (case and spacing aside), or None."""
        pattern = self._pattern
        found = pattern.search(fold(quote)) if pattern is not None else None
        return found.group(0) if found else None
