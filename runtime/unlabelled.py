"""Fields the offline `rules` backend can never read: value fields without a label, of a type without an extractor.

The label-driven extractor reads a field beside or below one of its labels; a table's column with no labels is
found under its name in words, but a field with none is found nowhere. Declared so, a required field sends every
document of its type to review under `--model rules`, with no word of why: `claimflow check` says so beforehand.
"""

from __future__ import annotations

from claimflow.state.schema import DocumentTypes

RULES_BACKEND = "rules"


def unlabelled_fields(types: DocumentTypes) -> list[str]:
    """`type.field` for each value field without labels, of the types that bring no extractor of their own."""
    return [
        f"{doc_type.name}.{spec.name}" + (" (required)" if spec.required else "")
        for doc_type in types
        if doc_type.extractor is None
        for spec in doc_type.value_fields
        if not spec.labels
    ]


def unlabelled_warning(types: DocumentTypes) -> str | None:
    """What `claimflow check` says of the fields the rules backend cannot read, or None when there are none."""
    found = unlabelled_fields(types)
    if not found:
        return None
    return (
        f"the offline rules backend never reads a field without labels: {', '.join(found)}; declare"
        " labels=(...), the words documents print before each value"
    )
