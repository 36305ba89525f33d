"""A manifest line without `expected` stops the load: read as no labels, it scored every claimed value wrong.

A misspelt key (`"expcted"`) left its labels unread; the document counted as expecting nothing, so each value
the run claimed was a wrong one, and the gate took it for a document whose labels changed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from claimflow.doctypes import BUILTIN_TYPES
from claimflow.evals.manifest import ManifestError, load_manifest
from claimflow.state.schema import DocumentTypes

LABELS = {"invoice_number": "INV-7", "total_amount": "119.00"}


def _set(tmp_path: Path, line: dict[str, Any]) -> Path:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "inv-7.txt").write_text("INVOICE\nInvoice No: INV-7\nTotal: 119.00\n", encoding="utf-8")
    first = {"id": "inv-6", "file": "docs/inv-7.txt", "doc_type": "invoice", "expected": LABELS}
    lines = [first, {"id": "inv-7", "file": "docs/inv-7.txt", "doc_type": "invoice", **line}]
    (tmp_path / "manifest.jsonl").write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    ("line", "said"),
    [
        ({"expcted": LABELS}, "manifest.jsonl:2: 'expected' is missing (the values to measure against); the line "
                              "has 'expcted' (did you mean 'expected'?)"),
        ({"source": "supplier-a"}, "manifest.jsonl:2: 'expected' is missing (the values to measure against)"),
    ],
)  # fmt: skip
def test_a_line_without_expected_is_named_with_the_key_it_has_instead(
    tmp_path: Path, line: dict[str, Any], said: str
) -> None:
    folder = _set(tmp_path, line)
    with pytest.raises(ManifestError) as raised:
        load_manifest(folder, DocumentTypes(BUILTIN_TYPES))
    assert str(raised.value).endswith(said)


def test_an_empty_expected_is_a_document_labelled_with_no_value(tmp_path: Path) -> None:
    folder = _set(tmp_path, {"expected": {}, "meta": {"note": "a blank page"}})
    docs = load_manifest(folder, DocumentTypes(BUILTIN_TYPES))
    assert [(doc.id, doc.expected) for doc in docs] == [("inv-6", LABELS), ("inv-7", {})]
