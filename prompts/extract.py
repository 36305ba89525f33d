"""The extract_<type> prompt of any document type: claimflow's shared instructions, the type's guidance and fields.

The rendered prompt is versioned by the type (`extract_<name>@<version>`); its hash covers the field list
and the labels, so changing a field without bumping the type's version is caught.
"""

from __future__ import annotations

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


def _traits(spec: Field) -> list[str]:
    traits = [spec.kind, "required" if spec.required else "optional"]
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
        labels = f" Printed as: {', '.join(spec.labels)}." if spec.labels else ""
        lines.append(f"- {spec.name} ({', '.join(_traits(spec))}){description}.{labels}".replace("..", "."))
        for column in spec.columns:
            traits = [column.kind, "required" if column.required else "optional"]
            column_description = f": {column.description}" if column.description else ""
            lines.append(f"    - column {column.name} ({', '.join(traits)}){column_description}")
        if spec.is_table:
            lines.append(f"  Return each row of {spec.name} as a row claim with table {spec.name!r}.")
    return "\n".join(lines)


def extract_prompt(doc_type: DocumentType) -> PromptSpec[ExtractionClaim]:
    """The extraction prompt of one type: the shared instructions plus what is particular to the type."""
    guidance = f" {doc_type.guidance.strip()}" if doc_type.guidance.strip() else ""
    return PromptSpec(
        name=f"extract_{doc_type.name}",
        version=doc_type.version,
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
