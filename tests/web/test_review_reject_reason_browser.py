"""A decision refused for want of a reason or a type, in headless Chromium against `claimflow serve`.

The refusal is said where the missing thing is given: the box is marked invalid, described by the refusal and given
the focus, so a reviewer (one with a screen reader too) gives it there: Enter in the reason box rejects.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration._docs import MEMO, write
from tests.web._browser import CHROMIUM, invoice_review, processed, served, signed_in_page, token

pytestmark = pytest.mark.slow


def test_a_rejection_without_a_reason_puts_the_focus_on_the_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with invoice_review(tmp_path, monkeypatch, height=720) as review:
        from playwright.sync_api import expect

        page = review.page
        page.click("#reject")
        page.wait_for_load_state("load")

        reason = page.locator("#reason")
        expect(reason).to_have_attribute("aria-invalid", "true")
        described = (reason.get_attribute("aria-describedby") or "").split()
        assert described, "the reason box is not described by its refusal"
        assert "a rejection needs a reason" in " ".join(page.locator(f"#{name}").inner_text() for name in described)
        expect(page.locator(f"#{described[0]}")).to_be_in_viewport()
        assert page.evaluate("document.activeElement.id") == "reason"

        page.keyboard.type("a copy of NW-2024-0117")
        page.keyboard.press("Enter")
        page.wait_for_load_state("load")
        expect(page.locator("#flash, .flash")).to_contain_text("Rejected invoice.txt")


def test_saving_an_unknown_type_without_a_type_puts_the_focus_on_the_type(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert CHROMIUM.exists(), "Debian's chromium is missing: run scripts/system-deps.sh"
    monkeypatch.setenv("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")  # drive Debian's browser, never download one
    from playwright.sync_api import expect, sync_playwright

    folder, data = tmp_path / "inbox", tmp_path / "data"
    write(folder, "memo.txt", MEMO)
    [view] = processed(folder, data)
    kim = token(data, "kim", "reviewer")

    with served(data) as base, sync_playwright() as playwright:
        browser, page = signed_in_page(playwright, base, kim, height=720)
        page.goto(f"{base}/review/runs/{view['run_id']}")
        page.click("#save")
        page.wait_for_load_state("load")

        chooser = page.locator("#doc_type")
        expect(chooser).to_have_attribute("aria-invalid", "true")
        described = (chooser.get_attribute("aria-describedby") or "").split()
        said = " ".join(page.locator(f"#{name}").inner_text() for name in described)
        assert "choose the document type before saving edits" in said
        assert page.evaluate("document.activeElement.id") == "doc_type"
        browser.close()
