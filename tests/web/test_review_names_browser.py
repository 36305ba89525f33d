"""What a screen reader is told of the review page's fields, in headless Chromium against `claimflow serve`.

Each field's card is a group named by its field, and each Edit button says which field it edits: eight buttons
all named "Edit" tell a reviewer who cannot see the page nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.web._browser import invoice_review

pytestmark = pytest.mark.slow

FIELDS = ("vendor_name", "invoice_number", "issue_date", "due_date", "total_amount")


def test_each_field_card_and_edit_button_is_named_by_its_field(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with invoice_review(tmp_path, monkeypatch) as review:
        from playwright.sync_api import expect

        page = review.page
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
