"""What a screen reader is told of the review page's fields, in headless Chromium against `claimflow serve`.

Each field's card is a group named by its field, and each Edit button says which field it edits: eight buttons
all named "Edit" tell a reviewer who cannot see the page nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.web._browser import CHROMIUM, paused_invoice, served, signed_in_page, token

pytestmark = pytest.mark.slow

FIELDS = ("vendor_name", "invoice_number", "issue_date", "due_date", "total_amount")


def test_each_field_card_and_edit_button_is_named_by_its_field(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert CHROMIUM.exists(), "Debian's chromium is missing: run scripts/system-deps.sh"
    monkeypatch.setenv("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")  # drive Debian's browser, never download one
    from playwright.sync_api import expect, sync_playwright

    data, run_id = paused_invoice(tmp_path)
    kim = token(data, "kim", "reviewer")
    with served(data) as base, sync_playwright() as playwright:
        browser, page = signed_in_page(playwright, base, kim)
        page.goto(f"{base}/review/runs/{run_id}")
        edits = page.locator(".edit-toggle")
        names = [edits.nth(n).evaluate("button => button.getAttribute('aria-label')") for n in range(edits.count())]
        assert len(set(names)) == len(names) == page.locator(".fields .field").count(), names
        for field in FIELDS:
            label = field.replace("_", " ")
            card = page.get_by_role("group", name=label, exact=True)
            expect(card).to_have_attribute("id", f"f-{field}")
            button = card.get_by_role("button", name=f"Edit {label}", exact=True)
            expect(button).to_have_count(1)
            button.click()  # the button named for the field opens that field's box
            expect(page.locator(f"[name='field.{field}']")).to_be_focused()
        browser.close()
