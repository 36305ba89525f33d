"""Through the real CLI: a total hidden from readers never becomes the record's total.

Every document prints its total, 180.00, and hides lines that add up to 0.03 in one of the ways a PDF
or an HTML page can hide text. Before ingestion dropped hidden text, the rules backend took the hidden
figures (they are the ones that add up) and completed such a record with a total of 0.03.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration._docs import json_lines, run_cli, write
from tests.integration._hidden_docs import HTML_HIDING, PDF_HIDING, VISIBLE_TOTAL, invoice_html, invoice_pdf

pytestmark = pytest.mark.slow

DOCUMENTS = [f"{name}.pdf" for name in sorted(PDF_HIDING)] + [f"{name}.html" for name in sorted(HTML_HIDING)]


@pytest.fixture(scope="module")
def records(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """One `claimflow run --json --model rules` over a folder holding every hidden form."""
    folder = tmp_path_factory.mktemp("hidden")
    for number, name in enumerate(DOCUMENTS, start=1):
        hiding, _, kind = name.rpartition(".")
        invoice_number = f"NW-2024-{number:04d}"  # distinct, so no run is held back as a duplicate
        content = invoice_pdf(hiding, invoice_number) if kind == "pdf" else invoice_html(hiding, invoice_number)
        write(folder / "docs", name, content)
    done = run_cli("run", folder / "docs", "--data-dir", folder / "data", "--json", "--model", "rules", timeout=300)
    assert done.returncode in (0, 1), done.stderr
    return {row["document"]: row for row in json_lines(done.stdout)}


@pytest.mark.parametrize("document", DOCUMENTS)
def test_the_hidden_total_does_not_complete_the_record(records: dict[str, dict[str, Any]], document: str) -> None:
    record = records[document]

    assert record["doc_type"] == "invoice"
    assert record["fields"]["total_amount"]["value"] == VISIBLE_TOTAL
    assert not (record["status"] == "completed" and "0.03" in str(record["fields"]))
    for field in ("net_amount", "tax_amount"):
        assert record["fields"][field]["value"] is None  # the hidden 0.02 and 0.01 are not read either
