"""Refusals and notes in headless Chromium against `claimflow serve`: a reload posts nothing, the focus lands on news.

A refused sign-in answered in place is posted again, token and all, when the reviewer reloads it. The note saying
what a decision did is where a keyboard or screen-reader user's focus starts on the page after it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.web._browser import CHROMIUM, invoice_review, paused_invoice, served, token

pytestmark = pytest.mark.slow


def test_reloading_a_refused_sign_in_posts_nothing_and_still_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert CHROMIUM.exists(), "Debian's chromium is missing: run scripts/system-deps.sh"
    monkeypatch.setenv("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")  # drive Debian's browser, never download one
    from playwright.sync_api import expect, sync_playwright

    data, _ = paused_invoice(tmp_path)
    sender = token(data, "sam", "submitter")
    with served(data) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.goto(f"{base}/review")
            sent: list[str] = []
            page.on("request", lambda request: sent.append(request.method) if request.is_navigation_request() else None)
            for pasted, said in (
                ("cf_mistyped", "That token is not valid (or was revoked)."),
                (sender, "That token has the role submitter; reviewing needs reviewer or admin."),
            ):
                page.fill("#token", pasted)
                page.click("button[type=submit]")
                expect(page.locator(".signin .error")).to_contain_text(said)
                assert pasted not in page.url  # the token is in no address: not the history's, not a log's

                sent.clear()
                page.reload()
                assert sent == ["GET"]  # got, not posted: a reload sends the token no more
                expect(page.locator(".signin .error")).to_contain_text(said)
                expect(page.locator("#token")).to_be_visible()  # the form again, for another token
        finally:
            browser.close()


def test_after_a_decision_the_focus_is_on_the_note_saying_what_was_done(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with invoice_review(tmp_path, monkeypatch) as review:
        from playwright.sync_api import expect

        page = review.page
        page.keyboard.press("a")  # approve, from the keyboard
        note = page.locator(".flash[role=status]")
        expect(note).to_contain_text("Approved invoice.txt")
        expect(note).to_be_focused()  # not the page's body: a screen reader says it, Tab goes on from the top
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.tagName") != "BODY"
