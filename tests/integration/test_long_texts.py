"""Long one-line texts through the real CLI: read within the document's wall time, or refused by its limits."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from tests.integration._docs import invoice_text, json_lines, run_cli, write

MEGABYTE = 1024 * 1024


def _run(folder: Path, data: Path, **env: str) -> dict[str, dict[str, Any]]:
    done = run_cli("run", folder, "--json", "--concurrency", "2", "--data-dir", data, timeout=240, **env)
    return {row["document"]: row for row in json_lines(done.stdout)}


def test_forty_thousand_amounts_on_one_line_are_read_within_the_wall_time(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    write(folder, "amounts.txt", "INVOICE\n" + "1.00 " * 40_000)
    write(folder, "valid.txt", invoice_text())

    rows = _run(folder, tmp_path / "data", CLAIMFLOW_MAX_DOCUMENT_SECONDS="90")

    assert rows["amounts.txt"]["error"] is None, rows["amounts.txt"]["error"]
    assert rows["amounts.txt"]["status"] == "needs_review"  # read to the end: an invoice without its fields
    assert rows["valid.txt"]["status"] == "completed"


def test_a_megabyte_of_random_html_fails_on_the_page_limit_and_the_batch_goes_on(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    write(folder, "random.html", random.Random(7).randbytes(MEGABYTE))
    write(folder, "valid.txt", invoice_text())

    rows = _run(folder, tmp_path / "data", CLAIMFLOW_MAX_DOCUMENT_SECONDS="90")

    assert rows["random.html"]["status"] == "failed"
    assert "characters on page 1; at most 500,000 per page are accepted" in rows["random.html"]["error"]
    assert rows["valid.txt"]["status"] == "completed"


def test_an_invoice_of_half_a_million_random_figures_in_html_is_read_within_the_wall_time(tmp_path: Path) -> None:
    rng = random.Random(3)
    figures = "".join(rng.choice("0123456789.,  $€EUR\t") for _ in range(500_000))
    folder = tmp_path / "in"
    write(folder, "figures.html", f"<html><body><h1>INVOICE</h1><p>{figures}</p></body></html>")

    rows = _run(folder, tmp_path / "data", CLAIMFLOW_MAX_DOCUMENT_SECONDS="120")

    assert rows["figures.html"]["error"] is None, rows["figures.html"]["error"]
    assert rows["figures.html"]["doc_type"] == "invoice"  # so every invoice rule read the figures
    assert rows["figures.html"]["status"] == "needs_review"
