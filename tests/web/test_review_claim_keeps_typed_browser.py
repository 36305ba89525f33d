"""Claiming a review after typing on it, in headless Chromium against `claimflow serve`.

A reviewer opens a review no one has, corrects a field and writes a comment, then sees it is not theirs yet and
clicks Claim. The claim must not throw away what they typed: it comes back on the claimed review, to save.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.web._browser import invoice_review

pytestmark = pytest.mark.slow


def test_a_claim_keeps_the_edits_typed_before_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with invoice_review(tmp_path, monkeypatch, height=720) as review:
        from playwright.sync_api import expect

        page = review.page
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
