"""A `--types` file is run as it is now, even rewritten within the second of its last load."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from claimflow.runtime.discovery import load_target

DECLARATION = """from claimflow import DocumentType, Field
MEMO = DocumentType(name="memo_note", description="A memo", titles=("Memo",), version="{version}",
                    fields=[Field("subject", "text", labels=("Subject",))])
"""


def test_a_types_file_rewritten_at_once_loads_as_rewritten(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Python writes and trusts bytecode caches unless told not to, as it is on users' machines.
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    for attempt in range(5):  # each a new file, each rewritten well within a second, same size
        path = tmp_path / f"t{attempt}" / "memo_types.py"
        path.parent.mkdir()
        path.write_text(DECLARATION.format(version="1"), encoding="utf-8")
        [first] = load_target(f"{path}:MEMO", "--types", path.parent)
        path.write_text(DECLARATION.format(version="2"), encoding="utf-8")
        [second] = load_target(f"{path}:MEMO", "--types", path.parent)
        assert (first.doc_type.version, second.doc_type.version) == ("1", "2")
