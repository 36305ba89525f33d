"""A labelled set: `manifest.jsonl` beside the documents, one JSON object a line.

Each line: `{"id", "file" (relative to the manifest's folder), "doc_type", "expected": {field: value}}`, and
optionally `source` (where the document came from) and `meta` (anything, ignored). A `multiple` field's label
is a list of values (`"parties": ["A", "B"]`), a table field's a list of row objects keyed by column
(`"line_items": [{"description": "Posters A2", "amount": "30.00"}]`). A label must read as its field's (or
column's) kind: one that cannot (`"lots"` for an amount) could never be matched, and stops the load, as do an
id an earlier line has (baselines know a document by its id) and a line without `expected`. Fields the type does
not have are not measured (a set may be labelled for more than a type extracts); `unmeasured_labels` lists them,
with the declared field a misspelt one is nearest to.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import get_close_matches
from pathlib import Path
from typing import Any

from claimflow.state.did_you_mean import did_you_mean
from claimflow.state.normalize import normalize_value, with_article
from claimflow.state.schema import Column, DocumentType, DocumentTypes, Field

MANIFEST = "manifest.jsonl"

_KEYS = ("id", "file", "doc_type", "expected", "source", "meta")
"""The keys a line may have."""


class ManifestError(ValueError):
    """A manifest line that cannot be used; the message names the file and the line."""


@dataclass(frozen=True)
class LabelledDocument:
    """One document of a labelled set and the values it should give."""

    id: str
    path: Path
    doc_type: str
    expected: dict[str, Any]
    source: str = ""


def _check_label(where: str, spec_name: str, doc_type: DocumentType, value: Any) -> None:
    """A label has the shape of its field: one value, a list of values, or a list of rows of known columns."""
    spec = doc_type.field(spec_name)
    if spec is None or value is None:
        return
    if spec.is_table:
        if not isinstance(value, list):
            raise ManifestError(f"{where}: {spec_name!r} is a table: its label is a list of row objects")
        columns = [column.name for column in spec.columns]
        for number, row in enumerate(value, start=1):
            if not isinstance(row, dict):
                raise ManifestError(f"{where}: {spec_name!r} row {number} is not an object of column values")
            unknown = sorted(set(row) - set(columns))
            if unknown:
                raise ManifestError(
                    f"{where}: {spec_name!r} row {number}: unknown column {unknown[0]!r}; columns: {', '.join(columns)}"
                )
            for column in spec.columns:
                _check_readable(
                    f"{where}: {spec_name!r} row {number} column {column.name!r}", column, row.get(column.name)
                )
        return
    items = value if isinstance(value, list) and spec.multiple else [value]
    if any(isinstance(item, (list, dict)) for item in items):
        shape = "a value or a list of values" if spec.multiple else "one value"
        raise ManifestError(f"{where}: {spec_name!r} takes {shape}, not {json.dumps(value)[:60]}")
    for item in items:
        _check_readable(f"{where}: {spec_name!r}", spec, item)


def _check_readable(where: str, spec: Field | Column, item: Any) -> None:
    """A labelled value reads as its kind, as a claimed one must (else no claim could ever match it)."""
    if item is None or normalize_value(spec.kind, str(item), spec.choices) is not None:  # type: ignore[arg-type]
        return
    allowed = f" (one of: {', '.join(spec.choices)})" if spec.kind == "enum" else ""
    raise ManifestError(f"{where}: label {json.dumps(item)[:60]} cannot be read as {with_article(spec.kind)}{allowed}")


def _entry(folder: Path, where: str, line: str, types: DocumentTypes) -> LabelledDocument:
    try:
        raw = json.loads(line)
    except json.JSONDecodeError as error:
        raise ManifestError(f"{where}: not valid JSON: {error.msg}") from None
    if not isinstance(raw, dict):
        raise ManifestError(f"{where}: a line is a JSON object")
    for key in ("id", "file", "doc_type"):
        if not isinstance(raw.get(key), str) or not raw[key]:
            raise ManifestError(f"{where}: {key!r} is missing or not a string")
    expected = raw.get("expected", {})
    if not isinstance(expected, dict):
        raise ManifestError(f"{where}: 'expected' is an object of field values")
    doc_type = types.find(raw["doc_type"])
    if doc_type is None:
        near = did_you_mean(raw["doc_type"], types.names)
        raise ManifestError(
            f"{where}: unknown doc_type {raw['doc_type']!r}{near}; active types: {', '.join(types.names)}"
        )
    for name, value in expected.items():
        _check_label(where, name, doc_type, value)
    path = folder / raw["file"]
    if not path.is_file():
        raise ManifestError(f"{where}: file {raw['file']!r} not found in {folder}")
    if "expected" not in raw:
        # Read as no labels, every value the run claimed would count as wrong and its labels under a misspelt key
        # would go unread: the figures would be wrong, not the line.
        others = [key for key in raw if key not in _KEYS]
        named = "; the line has " + ", ".join(f"{key!r}{did_you_mean(key, ['expected'])}" for key in others)
        raise ManifestError(f"{where}: 'expected' is missing (the values to measure against){named if others else ''}")
    return LabelledDocument(raw["id"], path, raw["doc_type"], expected, str(raw.get("source") or ""))


def load_manifest(folder: Path, types: DocumentTypes) -> list[LabelledDocument]:
    """Read `folder/manifest.jsonl`; blank lines are skipped, any bad line (or a repeated id) raises `ManifestError`."""
    manifest = folder / MANIFEST
    try:
        lines = manifest.read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise ManifestError(f"{manifest}: cannot be read: {error.strerror or error}") from None
    docs: list[LabelledDocument] = []
    first: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        doc = _entry(folder, f"{manifest}:{number}", line, types)
        # The baseline and the misses know a document by its id: two documents under one would be mixed up.
        seen = first.setdefault(doc.id, number)
        if seen != number:
            raise ManifestError(
                f"{manifest}:{number}: id {doc.id!r} is already the id of line {seen}; give each document its own"
            )
        docs.append(doc)
    if not docs:
        raise ManifestError(f"{manifest}: lists no document")
    return docs


@dataclass(frozen=True)
class UnmeasuredLabel:
    """A field a set labels that its document type does not have: its labels are not measured."""

    doc_type: str
    field: str
    documents: int
    """How many documents label it."""
    nearest: str | None
    """The type's field whose name it is nearest to, when one is near enough to be a misspelling of it."""

    def as_json(self) -> dict[str, Any]:
        """The entry as one JSON object."""
        return {"doc_type": self.doc_type, "field": self.field, "documents": self.documents, "nearest": self.nearest}


def unmeasured_labels(docs: Sequence[LabelledDocument], types: DocumentTypes) -> list[UnmeasuredLabel]:
    """The labelled fields the documents' types do not have, by type and field, with how many label each."""
    counts: Counter[tuple[str, str]] = Counter()
    for doc in docs:
        doc_type = types.find(doc.doc_type)
        if doc_type is not None:  # the manifest refused any other
            counts.update((doc.doc_type, name) for name in doc.expected if doc_type.field(name) is None)
    found = []
    for (type_name, name), documents in sorted(counts.items()):
        doc_type = types.find(type_name)
        fields = [spec.name for spec in doc_type.fields] if doc_type is not None else []
        near = get_close_matches(name, fields, n=1, cutoff=0.8)
        found.append(UnmeasuredLabel(type_name, name, documents, near[0] if near else None))
    return found
