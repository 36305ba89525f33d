"""Length caps on what a claim may carry, checked when a model's answer is read into a claim.

A claim's texts are copied into state (verdicts, candidates, events) and so into every checkpoint: an answer
with a megabyte in one value would be stored again and again. A claim with a text over its cap is not a claim
at all: it is invalid output (review reason `invalid_output`), its error names the cap, and the text itself is
never stored. The caps leave the JSON schema the model is shown as it is, so prompt versions do not change.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Annotated, Any

from pydantic import AfterValidator, TypeAdapter, ValidationInfo, ValidatorFunctionWrapHandler, WrapValidator

MAX_NAME_CHARS = 200
"""A document type, field, table or column name."""
MAX_VALUE_CHARS = 2_000
"""One claimed value or table cell (a party's name and address fit many times over)."""
MAX_QUOTE_CHARS = 5_000
"""One quote (a table row printed over several lines fits many times over)."""


STORED: Mapping[str, bool] = MappingProxyType({"stored": True})
"""The validation context of what is read back from storage (`WorkflowState.model_validate_json(kept,
context=STORED)`): a cap on what may come in does not refuse what was kept before the cap was set, or a run
finished then could never be shown again. Checkpoints need no context: LangGraph's serializer builds a model it
cannot validate without validating it."""


def from_storage(info: ValidationInfo) -> bool:
    """True when the value being validated is read back from storage (validated with `context=STORED`)."""
    context = info.context
    return isinstance(context, Mapping) and bool(context.get("stored"))


def kept_when_stored(loose: TypeAdapter[Any]) -> WrapValidator:
    """Validate as `loose` (the same type without its caps) what is read back from storage, else as annotated.

    Put it after the caps in `Annotated[...]`: it wraps them.
    """

    def validate(value: Any, handler: ValidatorFunctionWrapHandler, info: ValidationInfo) -> Any:
        if from_storage(info):
            return loose.validate_python(value, context=info.context)
        return handler(value)

    return WrapValidator(validate)


def _at_most(limit: int, what: str) -> AfterValidator:
    def check(text: str, info: ValidationInfo) -> str:
        if len(text) > limit and not from_storage(info):
            raise ValueError(f"{what} has {len(text):,} characters; at most {limit:,} are accepted")
        return text

    return AfterValidator(check)


ClaimedName = Annotated[str, _at_most(MAX_NAME_CHARS, "a name")]
"""A type, field, table or column name as a claim states it."""
ClaimedValue = Annotated[str, _at_most(MAX_VALUE_CHARS, "a claimed value")]
"""A value as a claim states it."""
ClaimedQuote = Annotated[str, _at_most(MAX_QUOTE_CHARS, "a quote")]
"""A quote as a claim states it."""
