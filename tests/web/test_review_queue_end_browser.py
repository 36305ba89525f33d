"""The review at the end of the queue, in headless Chromium against `claimflow serve`.

Every other review has Next (and `N`) to the review after it; the last one said nothing, and `N` did nothing.
It says how many reviews still wait, and leads back to the queue, with `N` too.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration._docs import mismatch_invoice_text, write
from tests.web._browser import CHROMIUM, invoice_review, processed, served, signed_in_page, token

pytestmark = pytest.mark.slow


def test_the_only_review_says_no_more_wait_and_n_goes_back_to_the_queue(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with invoice_review(tmp_path, monkeypatch) as review:
        from playwright.sync_api import expect

        page = review.page
        expect(page.locator("#next")).to_have_count(0)
        expect(page.locator("#queue-end")).to_have_text("No more reviews waiting after this one. Back to the queue N")
        expect(page.locator("#queue-end")).to_be_in_viewport()

        page.keyboard.press("n")
        page.wait_for_url(f"{review.base}/review")
        expect(page.locator("table.runs tbody tr")).to_have_count(1)


def test_the_last_review_of_several_counts_the_earlier_ones_still_waiting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert CHROMIUM.exists(), "Debian's chromium is missing: run scripts/system-deps.sh"
    monkeypatch.setenv("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")  # drive Debian's browser, never download one
    from playwright.sync_api import expect, sync_playwright

    folder, data = tmp_path / "inbox", tmp_path / "data"
    for number in ("A-1", "B-2", "C-3"):
        write(folder, f"{number}.txt", mismatch_invoice_text(number))
    assert {view["status"] for view in processed(folder, data)} == {"needs_review"}
    kim = token(data, "kim", "reviewer")

    with served(data) as base, sync_playwright() as playwright:
        browser, page = signed_in_page(playwright, base, kim)
        rows = page.locator("table.runs tbody tr")
        expect(rows).to_have_count(3)
        first, last = rows.nth(0).get_attribute("data-run"), rows.nth(2).get_attribute("data-run")
        page.goto(f"{base}/review/runs/{first}")
        expect(page.locator("#next")).to_be_visible()
        expect(page.locator("#queue-end")).to_have_count(0)

        page.goto(f"{base}/review/runs/{last}")
        expect(page.locator("#queue-end")).to_have_text(
            "Last in the queue: 2 earlier reviews still wait. Back to the queue N"
        )
        page.click("#queue-link")
        page.wait_for_url(f"{base}/review")
        expect(rows).to_have_count(3)
        browser.close()
