"""A labelled set: `manifest.jsonl` beside the documents, one JSON object a line.

Each line: `{"id", "file" (relative to the manifest's folder), "doc_type", "expected": {field: value}}`, and
optionally `source` (where the document came from) and `meta` (anything, ignored).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MANIFEST = "manifest.jsonl"


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


def _entry(folder: Path, where: str, line: str, doc_types: tuple[str, ...]) -> LabelledDocument:
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
    if raw["doc_type"] not in doc_types:
        raise ManifestError(f"{where}: unknown doc_type {raw['doc_type']!r}; active types: {', '.join(doc_types)}")
    path = folder / raw["file"]
    if not path.is_file():
        raise ManifestError(f"{where}: file {raw['file']!r} not found in {folder}")
    return LabelledDocument(raw["id"], path, raw["doc_type"], expected, str(raw.get("source") or ""))


def load_manifest(folder: Path, doc_types: tuple[str, ...]) -> list[LabelledDocument]:
    """Read `folder/manifest.jsonl`; blank lines are skipped, any bad line raises `ManifestError`."""
    manifest = folder / MANIFEST
    try:
        lines = manifest.read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise ManifestError(f"{manifest}: cannot be read: {error.strerror or error}") from None
    docs = [
        _entry(folder, f"{manifest}:{number}", line, doc_types)
        for number, line in enumerate(lines, start=1)
        if line.strip()
    ]
    if not docs:
        raise ManifestError(f"{manifest}: lists no document")
    return docs
