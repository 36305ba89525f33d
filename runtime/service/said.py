"""A parameter the API cannot read is refused saying what it takes, never in the words of pydantic's parsers.

"Input should be a valid boolean, unable to interpret input" tells a client neither what was wrong with what it sent
nor what to send instead; each parameter says it in its own words (`'maybe' is not true or false: send ...`).
"""

from __future__ import annotations

from pydantic import ValidationError, ValidatorFunctionWrapHandler, WrapValidator

_SHOWN_CHARS = 80
"""How much of a refused value the answer quotes: enough to recognise it."""


def said_as(what: str, send: str) -> WrapValidator:
    """A validator that refuses a value it cannot read as `{value} is not {what}: {send}`.

    Placed after the parameter's own constraints (`Query(ge=1)`), it words their refusals too.
    """

    def read_or_say(value: object, read: ValidatorFunctionWrapHandler) -> object:
        try:
            return read(value)
        except ValidationError:
            shown = repr(value[:_SHOWN_CHARS]) if isinstance(value, str) else "that"
            raise ValueError(f"{shown} is not {what}: {send}") from None

    return WrapValidator(read_or_say)
