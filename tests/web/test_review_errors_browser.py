"""A save with several bad edits on the review page, in headless Chromium against `claimflow serve`.

Every field's error is shown at once, each in its own field's card, and the focus goes to the first field with
an error, not to the first field the reviewer changed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.web._browser import invoice_review
from tests.web.test_review_browser import shoot

pytestmark = pytest.mark.slow

Review = tuple[Any, httpx.Client, str]
"""A signed-in page on a review, the API as the same reviewer, and the run's id."""


@pytest.fixture
def review(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Review]:
    """A signed-in page on a paused invoice's review, the API as the same reviewer, and the run's id."""
    with (
        invoice_review(tmp_path, monkeypatch) as open_review,
        httpx.Client(base_url=open_review.base, headers={"Authorization": f"Bearer {open_review.token}"}) as api,
    ):
        yield open_review.page, api, open_review.run_id


def _edit(page: Any, field: str, value: str) -> None:
    page.click(f"#f-{field} .edit-toggle")
    page.fill(f"[name='field.{field}']", value)


def test_every_bad_edit_is_shown_at_once_beside_its_field(review: Review, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    page, api, run_id = review
    _edit(page, "vendor_name", "")
    _edit(page, "issue_date", "sometime")
    _edit(page, "net_amount", "12x")
    page.click("#save")
    expect(page.locator("#f-vendor_name .error")).to_have_text(
        "vendor_name is required: it cannot be cleared; give it a value, or reject the run"
    )
    expect(page.locator("#f-issue_date .error")).to_have_text(
        "value 'sometime' cannot be read as a date; give one such as '2024-03-14'"
    )
    expect(page.locator("#f-net_amount .error")).to_have_text(
        "value '12x' cannot be read as an amount; give one such as '12.50'"
    )
    expect(page.locator(".field .error")).to_have_count(3)
    # Each box is marked invalid and described by its kind and its error, for a screen reader.
    date = page.locator("[name='field.issue_date']")
    expect(date).to_have_attribute("aria-invalid", "true")
    expect(date).to_have_accessible_description(
        "date; required value 'sometime' cannot be read as a date; give one such as '2024-03-14'"
    )
    expect(page.locator("[name='field.due_date']")).not_to_have_attribute("aria-invalid", "true")
    # What the reviewer typed is there to correct, each in its field.
    expect(page.locator("[name='field.issue_date']")).to_have_value("sometime")
    expect(page.locator("[name='field.net_amount']")).to_have_value("12x")
    assert api.get(f"/v1/runs/{run_id}").json()["status"] == "needs_review"
    shoot(page, tmp_path, "review-every-error.png")


def test_the_focus_goes_to_the_first_field_with_an_error(review: Review) -> None:
    from playwright.sync_api import expect

    page, _, _ = review
    _edit(page, "vendor_name", "Northwind Widgets")  # a good change above the bad one
    _edit(page, "total_amount", "lots")
    page.click("#save")
    expect(page.locator("#f-total_amount .error")).to_have_text(
        "value 'lots' cannot be read as an amount; give one such as '12.50'"
    )
    expect(page.locator("[name='field.total_amount']")).to_be_focused()
    expect(page.locator("#f-total_amount")).to_have_class(re.compile(r"\bselected\b"))
    # The good change is kept, open, to be saved with the corrected one.
    expect(page.locator("[name='field.vendor_name']")).to_have_value("Northwind Widgets")
