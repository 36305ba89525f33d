"""Leaving a review with something typed and not sent, in headless Chromium against `claimflow serve`.

A reviewer corrects a field, then presses `N` (or clicks Next, the queue, Sign out) before saving: the browser asks
before the page goes, as what was typed would be lost without a word. With nothing typed, `N` goes on at once.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration._docs import mismatch_invoice_text, write
from tests.web._browser import CHROMIUM, processed, served, signed_in_page, token

pytestmark = pytest.mark.slow


def test_leaving_with_an_unsaved_edit_asks_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert CHROMIUM.exists(), "Debian's chromium is missing: run scripts/system-deps.sh"
    monkeypatch.setenv("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")  # drive Debian's browser, never download one
    from playwright.sync_api import Dialog, expect, sync_playwright

    folder, data = tmp_path / "inbox", tmp_path / "data"
    write(folder, "a-invoice.txt", mismatch_invoice_text("A-1"))
    write(folder, "b-invoice.txt", mismatch_invoice_text("B-2"))
    runs = {str(view["document"]): str(view["run_id"]) for view in processed(folder, data)}
    kim = token(data, "kim", "reviewer")

    with served(data) as base, sync_playwright() as playwright:
        browser, page = signed_in_page(playwright, base, kim, height=720)
        asked: list[str] = []
        answer = {"leave": False}

        def on_dialog(dialog: Dialog) -> None:
            asked.append(dialog.type)
            dialog.accept() if answer["leave"] else dialog.dismiss()

        page.on("dialog", on_dialog)
        first = f"{base}/review/runs/{runs['a-invoice.txt']}"
        page.goto(first)
        page.click("#f-total_amount .edit-toggle")
        page.fill("input[name='field.total_amount']", "180.00")
        page.keyboard.press("Escape")
        page.keyboard.press("n")
        page.wait_for_timeout(500)
        assert asked == ["beforeunload"]
        assert page.url == first
        expect(page.locator("input[name='field.total_amount']")).to_have_value("180.00")

        answer["leave"] = True
        page.keyboard.press("n")
        page.wait_for_url(f"**/review/runs/{runs['b-invoice.txt']}")
        assert asked == ["beforeunload", "beforeunload"]

        page.goto(first)  # nothing typed here: no question
        assert len(asked) == 2

        page.click("#f-total_amount .edit-toggle")
        page.fill("input[name='field.total_amount']", "180.00")
        page.click("#save")  # sending the form is no leaving
        expect(page.locator(".flash")).to_contain_text("Saved edits to a-invoice.txt")
        assert len(asked) == 2
        browser.close()
