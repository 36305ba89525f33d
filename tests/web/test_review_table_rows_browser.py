"""Correcting a table on the review page, in headless Chromium against `claimflow serve`.

Each row's cells are inputs and each row has a remove box: a refused cell shows the typed values again with why;
an edited cell and a removed row, saved with the totals they call for, complete the run with the corrected table.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

from tests._table_invoice import CELLS, INVOICE
from tests.integration._docs import write
from tests.web._browser import CHROMIUM, processed, served, signed_in_page, token

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.slow


def _edit_field(page: Page, name: str, value: str) -> None:
    page.click(f"#f-{name} .edit-toggle")
    page.fill(f"input[name='field.{name}']", value)


def test_a_reviewer_edits_a_cell_and_removes_a_row_and_the_run_completes_with_that_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert CHROMIUM.exists(), "Debian's chromium is missing: run scripts/system-deps.sh"
    monkeypatch.setenv("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")  # drive Debian's browser, never download one
    from playwright.sync_api import expect, sync_playwright

    folder, data = tmp_path / "inbox", tmp_path / "data"
    write(folder, "stationery.txt", INVOICE)
    [view] = processed(folder, data)
    assert view["status"] == "needs_review", view
    run_id = str(view["run_id"])
    kim, admin = token(data, "kim", "reviewer"), token(data, "root", "admin")

    with (
        served(data) as base,
        httpx.Client(base_url=base, headers={"Authorization": f"Bearer {admin}"}) as api,
        sync_playwright() as playwright,
    ):
        browser, page = signed_in_page(playwright, base, kim)
        try:
            page.goto(f"{base}/review/runs/{run_id}")
            table = page.locator(".table-field", has_text="line items")
            expect(table.locator("table.rows tbody tr")).to_have_count(2)
            quantity = table.locator("input[name='cell.line_items.1.quantity']")
            expect(quantity).to_have_value("2")

            # A cell that cannot be read is refused by the row and column, the typed values shown again.
            quantity.fill("lots")
            table.locator("input[name='drop.line_items.2']").check()
            page.click("#save")
            page.wait_for_selector("p.error")
            table = page.locator(".table-field", has_text="line items")
            expect(table.locator("p.error")).to_contain_text(
                "line_items row 1 quantity: value 'lots' cannot be read as a number"
            )
            expect(table.locator("input[name='cell.line_items.1.quantity']")).to_have_value("lots")
            expect(table.locator("input[name='drop.line_items.2']")).to_be_checked()
            assert api.get(f"/v1/runs/{run_id}").json()["status"] == "needs_review"

            # The row's quantity as the reviewer reads it, the second row removed, the totals of the one row left.
            table.locator("input[name='cell.line_items.1.quantity']").fill("4")
            table.locator("input[name='cell.line_items.1.description']").fill("Copier paper")
            _edit_field(page, "total_amount", "24.00")
            _edit_field(page, "net_amount", "20.00")
            _edit_field(page, "tax_amount", "4.00")
            page.click("#save")
            page.wait_for_load_state()

            run = api.get(f"/v1/runs/{run_id}").json()
            assert run["status"] == "completed", run
            assert run["fields"]["line_items"]["value"] == [
                {**CELLS[0], "description": "Copier paper", "quantity": "4"}
            ]
            events = api.get(f"/v1/runs/{run_id}/events").json()
            edited = [e["data"] for e in events if e["type"] == "table.edited"]
            assert {(e["row"], e.get("column"), e.get("dropped", False), e["reviewer"]) for e in edited} == {
                (1, "quantity", False, "kim"),
                (1, "description", False, "kim"),
                (2, None, True, "kim"),
            }
        finally:
            browser.close()
