"""Length caps on what a claim may carry, checked when a model's answer is read into a claim.

A claim's texts are copied into state (verdicts, candidates, events) and so into every checkpoint: an answer
with a megabyte in one value would be stored again and again. A claim with a text over its cap is not a claim
at all: it is invalid output (review reason `invalid_output`), its error names the cap, and the text itself is
never stored. The caps leave the JSON schema the model is shown as it is, so prompt versions do not change.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator

MAX_NAME_CHARS = 200
"""A document type, field, table or column name."""
MAX_VALUE_CHARS = 2_000
"""One claimed value or table cell (a party's name and address fit many times over)."""
MAX_QUOTE_CHARS = 5_000
"""One quote (a table row printed over several lines fits many times over)."""


def _at_most(limit: int, what: str) -> AfterValidator:
    def check(text: str) -> str:
        if len(text) > limit:
            raise ValueError(f"{what} has {len(text):,} characters; at most {limit:,} are accepted")
        return text

    return AfterValidator(check)


ClaimedName = Annotated[str, _at_most(MAX_NAME_CHARS, "a name")]
"""A type, field, table or column name as a claim states it."""
ClaimedValue = Annotated[str, _at_most(MAX_VALUE_CHARS, "a claimed value")]
"""A value as a claim states it."""
ClaimedQuote = Annotated[str, _at_most(MAX_QUOTE_CHARS, "a quote")]
"""A quote as a claim states it."""
