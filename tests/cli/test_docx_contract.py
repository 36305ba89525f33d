"""`claimflow run` on a Word contract: the built-in contract type reads it, its evidence on the page it is on."""

from __future__ import annotations

from pathlib import Path

from tests.cli.conftest import Invoke
from tests.integration._docs import json_lines, write
from tests.integration._word import contract_docx


def test_a_word_contract_runs_with_its_evidence_on_the_right_page(claimflow: Invoke, tmp_path: Path) -> None:
    path = write(tmp_path / "docs", "nda.docx", contract_docx(break_before="5. TERM"))

    result = claimflow("run", path, "--json", "--data-dir", tmp_path / "data")

    [view] = json_lines(result.stdout)
    assert (view["doc_type"], view["error"]) == ("contract", None), view
    assert view["status"] in ("completed", "needs_review"), view
    fields = view["fields"]
    assert fields["parties"]["value"] == ["Bluefin Analytics, Inc.", "Cedar Ridge Robotics LLC"]
    assert [e["page"] for e in fields["parties"]["evidence"]] == [1, 1]
    assert (fields["term"]["value"], [e["page"] for e in fields["term"]["evidence"]]) == ("2 years", [2])
    assert (fields["jurisdiction"]["value"], fields["jurisdiction"]["evidence"][0]["page"]) == ("Colorado", 2)
    assert "continues for a term of two (2) years" in fields["term"]["evidence"][0]["quote"]
