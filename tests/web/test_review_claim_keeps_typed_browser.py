"""Claiming a review after typing on it, in headless Chromium against `claimflow serve`.

A reviewer opens a review no one has, corrects a field and writes a comment, then sees it is not theirs yet and
clicks Claim. The claim must not throw away what they typed: it comes back on the claimed review, to save.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.web._browser import CHROMIUM, paused_invoice, served, signed_in_page, token

pytestmark = pytest.mark.slow


def test_a_claim_keeps_the_edits_typed_before_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert CHROMIUM.exists(), "Debian's chromium is missing: run scripts/system-deps.sh"
    monkeypatch.setenv("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")  # drive Debian's browser, never download one
    from playwright.sync_api import expect, sync_playwright

    data, run_id = paused_invoice(tmp_path)
    kim = token(data, "kim", "reviewer")

    with served(data) as base, sync_playwright() as playwright:
        browser, page = signed_in_page(playwright, base, kim, height=720)
        page.goto(f"{base}/review/runs/{run_id}")
        page.click("#f-total_amount .edit-toggle")
        page.fill("input[name='field.total_amount']", "180.00")
        page.fill("#comment", "total read from the wrong line")

        page.click("#claim-button")
        page.wait_for_load_state("load")
        expect(page.locator(".flash")).to_contain_text("Claimed invoice.txt: it is assigned to kim.")
        expect(page.locator("#assignee")).to_have_text("Assigned to you")
        expect(page.locator("input[name='field.total_amount']")).to_have_value("180.00")
        expect(page.locator("#f-total_amount")).to_be_visible()
        expect(page.locator("#comment")).to_have_value("total read from the wrong line")

        page.click("#save")
        page.wait_for_load_state("load")
        expect(page.locator(".flash")).to_contain_text("Saved edits to invoice.txt")
        browser.close()
