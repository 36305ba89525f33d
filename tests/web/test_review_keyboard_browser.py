"""The review screen with the keyboard alone, in headless Chromium against `claimflow serve`.

A reviewer who tabs to a field works on that field: it is selected (its evidence shown), `E` edits it, and
`J`/`K` move the focus with the selection, so the next Tab or `E` goes on from the field on screen.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.web._browser import invoice_review

pytestmark = pytest.mark.slow


def test_the_field_tabbed_to_is_the_one_selected_and_edited(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with invoice_review(tmp_path, monkeypatch) as review:
        from playwright.sync_api import expect

        page = review.page
        expect(page.locator(".field.selected")).to_have_count(1)
        assert page.locator(".field.selected").get_attribute("id") != "f-invoice_number"

        for _ in range(80):  # Tab through the page, as a reviewer without a mouse does
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.id") == "f-invoice_number":
                break
        assert page.evaluate("document.activeElement.id") == "f-invoice_number"
        expect(page.locator("#f-invoice_number")).to_have_class(re.compile(r"\bselected\b"))
        expect(page.locator(".field.selected")).to_have_count(1)

        page.keyboard.press("e")
        expect(page.locator(".field.editing")).to_have_count(1)
        expect(page.locator("#f-invoice_number")).to_have_class(re.compile(r"\bediting\b"))
        assert page.evaluate("document.activeElement.name") == "field.invoice_number"

        page.keyboard.press("Escape")
        page.keyboard.press("j")
        expect(page.locator("#f-issue_date")).to_have_class(re.compile(r"\bselected\b"))
        assert page.evaluate("document.activeElement.id") == "f-issue_date"
        page.keyboard.press("k")
        assert page.evaluate("document.activeElement.id") == "f-invoice_number"
        page.keyboard.press("j")
        page.keyboard.press("e")
        assert page.evaluate("document.activeElement.name") == "field.issue_date"


def test_escape_leaves_a_fields_box_for_its_card_not_the_top_of_the_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Esc blurred the box: the focus fell to the page itself (document.body), nothing a screen reader could name.
    with invoice_review(tmp_path, monkeypatch) as review:
        from playwright.sync_api import expect

        page = review.page
        page.click("#f-due_date .edit-toggle")
        assert page.evaluate("document.activeElement.name") == "field.due_date"

        page.keyboard.press("Escape")
        assert page.evaluate("document.activeElement.id") == "f-due_date"
        expect(page.locator("#f-due_date")).to_have_class(re.compile(r"\bselected\b"))
        page.keyboard.press("Tab")
        assert page.evaluate(
            "document.activeElement.closest('.field') && document.activeElement.closest('.field').id"
        ) == ("f-due_date")
        page.keyboard.press("Escape")  # the reason box has no card: Esc leaves it for the page, as before
        page.keyboard.press("r")
        assert page.evaluate("document.activeElement.id") == "reason"
        page.keyboard.press("Escape")
        assert page.evaluate("document.activeElement.id") != "reason"
