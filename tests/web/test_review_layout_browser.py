"""The review screen's layout in headless Chromium against `claimflow serve`: what a reviewer must reach is on screen.

The screen fills the window and does not scroll as a whole (the page and the panel scroll on their own), so
anything laid out below the window's bottom edge cannot be reached at all.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration._docs import MEMO, mismatch_invoice_text, write
from tests.web._browser import CHROMIUM, processed, served, signed_in_page, token

pytestmark = pytest.mark.slow

HEIGHT = 800


def test_the_actions_stay_in_the_window_below_the_note_of_the_last_decision(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a decision the next screen opens under a note saying what was saved; the actions stay on screen."""
    assert CHROMIUM.exists(), "Debian's chromium is missing: run scripts/system-deps.sh"
    monkeypatch.setenv("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")  # drive Debian's browser, never download one
    from playwright.sync_api import expect, sync_playwright

    folder, data = tmp_path / "inbox", tmp_path / "data"
    write(folder, "invoice.txt", mismatch_invoice_text())
    [view] = processed(folder, data)
    assert view["status"] == "needs_review"
    kim = token(data, "kim", "reviewer")

    with served(data) as base, sync_playwright() as playwright:
        browser, page = signed_in_page(playwright, base, kim, height=HEIGHT)
        expect(page.locator("table.runs")).to_contain_text("invoice.txt")  # signed in
        page.goto(f"{base}/review/runs/{view['run_id']}")
        page.locator("#f-total_amount .edit-toggle").click()
        page.fill("input[name='field.total_amount']", "185.00")  # still not 150.00 + 30.00: back for review
        page.locator("#save").click()
        expect(page.locator(".flash")).to_contain_text("it needs review again")
        # The note is in the page as soon as its HTML is parsed; the stylesheet that lays the screen out may
        # still be on its way (a busy machine), and before it the page is one long column. Measure the screen
        # the reviewer sees: the one laid out once the page has loaded.
        page.wait_for_load_state("load")
        for action in ("#approve", "#save", "#reason", "#reject"):
            box = page.locator(action).bounding_box()
            assert box is not None, action
            assert box["y"] + box["height"] <= HEIGHT, (action, box)
        viewer = page.locator("#viewer").bounding_box()
        assert viewer is not None
        assert viewer["y"] + viewer["height"] <= HEIGHT, viewer  # the page's last lines can be scrolled to
        browser.close()


def test_a_short_review_starts_at_the_top_of_its_panel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A document of unknown type has no fields: the type to choose is at the top, not below an empty gap."""
    assert CHROMIUM.exists(), "Debian's chromium is missing: run scripts/system-deps.sh"
    monkeypatch.setenv("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")  # drive Debian's browser, never download one
    from playwright.sync_api import expect, sync_playwright

    folder, data = tmp_path / "inbox", tmp_path / "data"
    write(folder, "memo.txt", MEMO)
    [view] = processed(folder, data)
    assert (view["status"], view["doc_type"]) == ("needs_review", "unknown")
    kim = token(data, "kim", "reviewer")

    with served(data) as base, sync_playwright() as playwright:
        browser, page = signed_in_page(playwright, base, kim, height=HEIGHT)
        expect(page.locator("table.runs")).to_contain_text("memo.txt")  # signed in
        page.goto(f"{base}/review/runs/{view['run_id']}")
        expect(page.locator("#doc_type")).to_be_visible()
        expect(page.locator("#claim")).to_be_hidden()  # the Claim button's form has no place of its own
        panel, heading = page.locator(".panel").bounding_box(), page.locator(".doc-head h1").bounding_box()
        assert panel is not None and heading is not None
        assert heading["y"] - panel["y"] < 40, (panel, heading)
        browser.close()
