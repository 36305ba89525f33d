"""`eval dataset`'s gate when a field the baseline measured is no longer measured: a measure lost, not a fix.

A memo type of the test's own reads a number and an author; the set labels both, one author wrong on purpose. Taken
out of the type, the author is "not measured" (the type has no such field): its miss is gone and every memo matches
exactly. The gate names the field, fails, fixes nothing and keeps exact match from rising, until the field is put
back or `--update-baseline` accepts the change.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.cli.conftest import Invoke

TYPES = """
from claimflow import DocumentType, Field

MEMO = DocumentType(
    name="memo",
    description="An internal memo: its number and who wrote it.",
    titles=("Memo",),
    fields=[
        Field("memo_number", "identifier", required=True, labels=("Memo No.",)),
        {author}
    ],
)
"""
AUTHOR = 'Field("author", "text", labels=("From",)),'
AUTHORS = ("Jane Doe", "Ravi Patel", "Ada Brook")


@pytest.fixture
def memos(tmp_path: Path) -> Path:
    """Three memos; the manifest labels the second one's author wrong."""
    folder = tmp_path / "memos"
    (folder / "docs").mkdir(parents=True)
    lines = []
    for index, author in enumerate(AUTHORS):
        (folder / "docs" / f"memo-{index}.txt").write_text(
            f"MEMO\nMemo No.: M-{100 + index}\nFrom: {author}\n\nThe office closes early on Friday.\n", encoding="utf-8"
        )
        label = "Someone Else" if index == 1 else author
        expected = {"memo_number": f"M-{100 + index}", "author": label}
        lines.append(json.dumps({"id": f"memo-{index}", "file": f"docs/memo-{index}.txt", "doc_type": "memo",
                                 "expected": expected}))  # fmt: skip
    (folder / "manifest.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    _types(tmp_path, with_author=True)
    return folder


def _types(where: Path, *, with_author: bool) -> None:
    (where / "memo_types.py").write_text(TYPES.format(author=AUTHOR if with_author else ""), encoding="utf-8")


def _run(claimflow: Invoke, folder: Path, *args: str, code: int) -> dict[str, Any]:
    result = claimflow("eval", "dataset", folder, "--json", "--types", "memo_types.py:MEMO", *args)
    assert result.exit_code == code, result.output
    figures: dict[str, Any] = json.loads(result.stdout)
    return figures


def test_a_field_taken_out_of_its_type_fails_the_gate_and_fixes_nothing(claimflow: Invoke, memos: Path) -> None:
    before = _run(claimflow, memos, "--update-baseline", code=0)
    assert [(miss["document"], miss["field"]) for miss in before["misses"]] == [("memo-1", "author")]
    assert before["exact_match_rate"] == pytest.approx(2 / 3)
    same = _run(claimflow, memos, code=0)["gate"]
    assert same["failed"] is False and not same.get("no_longer_measured")

    _types(memos.parent, with_author=False)
    figures = _run(claimflow, memos, code=1)

    assert figures["exact_match_rate"] == 1.0  # the run's own figure: memos without an author match exactly
    assert figures["unmeasured_labels"][0]["field"] == "author"
    gate = figures["gate"]
    assert gate["failed"] is True and gate["regressions"] == []
    assert gate["fixed"] == []  # memo-1's wrong author was not judged again: not fixed
    assert gate["no_longer_measured"] == [
        {"doc_type": "memo", "field": "author", "documents": ["memo-0", "memo-1", "memo-2"],
         "why": "memo has no author now"},
    ]  # fmt: skip
    # Asked for as before, the author is given by none of the memos that label one: no memo matches exactly.
    assert gate["figures"]["exact_match_rate"] == {"baseline": pytest.approx(2 / 3), "now": 0.0}

    text = claimflow("eval", "dataset", memos, "--types", "memo_types.py:MEMO")
    assert text.exit_code == 1, text.output
    assert "0 miss(es) fixed" in text.stdout and "1 field(s) no longer measured" in text.stdout
    assert (
        "no longer measured: memo's author, which the baseline measured on 3 document(s) (memo-0, memo-1, memo-2): "
        "memo has no author now; restore it, or accept the change with --update-baseline (the baseline then no longer"
        " measures it)"
    ) in text.stdout
    assert "the gate does not pass against baseline.rules.json: 1 field(s) no longer measured" in text.stderr

    # Accepted: the baseline no longer measures the author, and the gate passes.
    _run(claimflow, memos, "--update-baseline", code=0)
    assert _run(claimflow, memos, code=0)["gate"]["failed"] is False


def test_a_baseline_without_the_fields_it_measured_still_knows_those_of_its_misses(
    claimflow: Invoke, memos: Path
) -> None:
    _run(claimflow, memos, "--update-baseline", code=0)
    path = memos / "baseline.rules.json"
    written = json.loads(path.read_text(encoding="utf-8"))
    written.pop("measured", None)  # as written before it was recorded
    path.write_text(json.dumps(written), encoding="utf-8")
    _types(memos.parent, with_author=False)

    gate = _run(claimflow, memos, code=1)["gate"]

    assert gate["fixed"] == []
    assert [(item["field"], item["documents"]) for item in gate["no_longer_measured"]] == [("author", ["memo-1"])]
