"""The extract_<type> prompt of any document type: claimflow's shared instructions, the type's guidance and fields.

The rendered prompt is versioned by the type (`extract_<name>@<version>`); its hash covers the field list
and the labels, so changing a field without bumping the type's version is caught. The shared part has a version
of its own (`TEMPLATE`), which the ref names where it renders a type otherwise than the first did.
"""

from __future__ import annotations

from collections.abc import Sequence

from claimflow.prompts._spec import PromptSpec
from claimflow.state.claims import ExtractionClaim
from claimflow.state.schema import DocumentType, Field

_SYSTEM = (
    "You extract fields from a document of type {doc_type}. For every field the document states, return one "
    "claim: the value in canonical form (dates yyyy-mm-dd, amounts and percentages as plain decimals like "
    "1234.50 or 19, "
    "currencies as ISO 4217 codes, durations like '2 years', booleans true or false, enum values exactly as "
    "listed) and a short verbatim quote from the document that contains the value together with the label "
    "printed before it, with the 1-based page it is on. Code checks every quote against the document: a quote "
    "that is not in the document, a value that is not written in it as a whole, or a value that stands under "
    "the label of another field, is rejected. Leave out fields the document does not state; never guess. "
    "Confidence from 0 to 1; say low when unsure."
)
_USER = (
    "Fields:\n{fields}\n\nDocument (pages separated by form feeds; personal data appears as placeholders "
    "like [EMAIL_1]):\n<document>\n{{document}}\n</document>\n{{feedback}}"
)


TEMPLATE = 2
"""The version of the part every extraction prompt shares: the instructions, and how fields are listed.

A data directory pins each prompt ref to the text first used under it, and refuses another text under that ref.
Were a release's change to the shared part kept under the type's own version, every data directory that had run
the type would refuse to start until its owner bumped a version they did not change. So a prompt whose text this
template renders otherwise than the first template did is `extract_<name>@<version>+t<template>` (see
`_first_template`): a new ref, pinned anew, while the types it renders as before keep theirs. Template 2 lists a
column's labels, as a field's are listed.
"""


def _first_template(doc_type: DocumentType) -> int:
    """The oldest template that renders `doc_type` as `TEMPLATE` does: 1 unless a column has labels (template 2)."""
    return 2 if any(column.labels for spec in doc_type.fields for column in spec.columns) else 1


def prompt_version(doc_type: DocumentType) -> str:
    """The version part of a type's extraction prompt ref: the type's, with the template's where it matters."""
    first = _first_template(doc_type)
    return doc_type.version if first == 1 else f"{doc_type.version}+t{first}"


def _printed_as(labels: Sequence[str]) -> str:
    return f" Printed as: {', '.join(labels)}." if labels else ""


_NUMBER = "number, a plain decimal with a dot like 14.5 or 1250, without grouping or unit"
"""How a number field or column is listed: the shared instructions name no number (a type that has none renders as
before, and keeps its prompt ref), so its canonical form is said where one is listed."""


def _kind(kind: str) -> str:
    return _NUMBER if kind == "number" else kind


def _traits(spec: Field) -> list[str]:
    traits = [_kind(spec.kind), "required" if spec.required else "optional"]
    if spec.multiple:
        traits.append("one claim per value")
    if spec.choices:
        traits.append("one of: " + ", ".join(spec.choices))
    return traits


def render_fields(doc_type: DocumentType) -> str:
    """One line per field: name, kind, whether it is required or repeats, what it means, how it is labelled."""
    lines = []
    for spec in doc_type.fields:
        description = f": {spec.description}" if spec.description else ""
        labels = _printed_as(spec.labels)
        lines.append(f"- {spec.name} ({', '.join(_traits(spec))}){description}.{labels}".replace("..", "."))
        for column in spec.columns:
            traits = [_kind(column.kind), "required" if column.required else "optional"]
            column_description = f": {column.description}" if column.description else ""
            if column.labels:  # template 1 listed none, and closed no column's line with a full stop: so unlabelled
                column_description = f"{column_description}.{_printed_as(column.labels)}".replace("..", ".")
            lines.append(f"    - column {column.name} ({', '.join(traits)}){column_description}")
        if spec.is_table:
            lines.append(f"  Return each row of {spec.name} as a row claim with table {spec.name!r}.")
    return "\n".join(lines)


def extract_prompt(doc_type: DocumentType) -> PromptSpec[ExtractionClaim]:
    """The extraction prompt of one type: the shared instructions plus what is particular to the type."""
    guidance = f" {doc_type.guidance.strip()}" if doc_type.guidance.strip() else ""
    return PromptSpec(
        name=f"extract_{doc_type.name}",
        version=prompt_version(doc_type),
        system=_SYSTEM.replace("{doc_type}", doc_type.name) + guidance,
        user_template=_USER.format(fields=render_fields(doc_type).replace("{", "{{").replace("}", "}}")),
        response_model=ExtractionClaim,
    )


def describe_types(types: list[DocumentType] | tuple[DocumentType, ...]) -> str:
    """The classify prompt's list of types: name, description and the words that name it, one type per line."""
    return "\n".join(f"- {t.name}: {t.description} Named by: {_naming(t)}." for t in types)


def _naming(doc_type: DocumentType) -> str:
    # Titles and keywords, not every field label: the list stays short, and a label quoted still counts.
    return "; ".join(dict.fromkeys((*doc_type.titles, *doc_type.keywords)))
