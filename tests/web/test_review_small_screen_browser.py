"""The review pages on a phone (390 by 844) and at 200% zoom, in headless Chromium against `claimflow serve`.

A 1280 by 800 window zoomed to 200% lays the page out in 640 by 400 CSS pixels, as this viewport with two device
pixels to each does. The pages were laid out for a desktop: a fixed 470-pixel panel beside the document, and a
screen that never scrolls as a whole, put the actions and half the panel off a phone's screen, and squeezed the
document to a column a few letters wide at 200%.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.web._browser import invoice_review

pytestmark = pytest.mark.slow

PHONE = {"width": 390, "height": 844}
ZOOMED = {"width": 640, "height": 400}  # 1280 by 800 at 200%


def on_screen(page: Any, selector: str, size: dict[str, int]) -> dict[str, float]:
    """The box of `selector`, asserted to be inside the window (not cut at its edges, not below it)."""
    box = page.locator(selector).first.bounding_box()
    assert box is not None, selector
    assert box["x"] >= 0 and box["x"] + box["width"] <= size["width"], (selector, box)
    assert box["y"] >= 0 and box["y"] + box["height"] <= size["height"], (selector, box)
    return dict(box)


def no_sideways_scroll(page: Any) -> None:
    widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], widths  # nothing wider than the screen, nothing cut at its right edge


def test_on_a_phone_the_actions_the_evidence_and_the_refused_field_are_on_screen_together(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with invoice_review(tmp_path, monkeypatch) as review:
        page = review.page
        page.set_viewport_size(PHONE)
        page.goto(f"{review.base}/review")
        no_sideways_scroll(page)
        on_screen(page, "table.runs a.button", PHONE)  # each queued run's Review button, not scrolled sideways to
        on_screen(page, ".who button.link", PHONE)  # Sign out

        page.goto(f"{review.base}/review/runs/{review.run_id}")
        page.wait_for_load_state("load")
        no_sideways_scroll(page)
        for action in ("#approve", "#save", "#reason", "#reject", "#queue-link"):
            on_screen(page, action, PHONE)

        page.click("#f-total_amount .edit-toggle")
        page.fill("input[name='field.total_amount']", "one hundred")
        page.click("#save")  # refused: not an amount
        page.wait_for_load_state("load")
        page.wait_for_function("document.activeElement.name === 'field.total_amount'")
        # Two reads 250 ms apart alike: the smooth scrolls to the field and to its evidence have ended.
        settled = (
            "() => { const at = `${scrollY} ${viewer.scrollTop}`, same = at === self.was; self.was = at; return same; }"
        )
        page.wait_for_function(settled, polling=250)
        document = on_screen(page, "#viewer", PHONE)
        actions = on_screen(page, ".actions", PHONE)
        evidence = on_screen(page, ".hl-text.active", PHONE)  # the field's quote, shown on the document
        assert evidence["y"] + evidence["height"] <= document["y"] + document["height"]
        for part in ("#f-total_amount .fname", "input[name='field.total_amount']", "#f-total_amount .error"):
            box = on_screen(page, part, PHONE)  # between the document and the actions, hidden by neither
            assert box["y"] >= document["y"] + document["height"] and box["y"] + box["height"] <= actions["y"], part
        on_screen(page, "#approve", PHONE)


def test_at_200_percent_zoom_the_document_is_readable_and_every_action_can_be_reached(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with invoice_review(tmp_path, monkeypatch) as review:
        page = review.page
        page.set_viewport_size(ZOOMED)
        page.reload()
        page.wait_for_load_state("load")
        no_sideways_scroll(page)
        document = page.locator("#viewer").bounding_box()
        assert document is not None and document["width"] >= 0.9 * ZOOMED["width"], document  # not a thin column
        for action in ("#approve", "#save", "#reason", "#reject", "#queue-link", "#comment"):
            page.locator(action).scroll_into_view_if_needed()  # the page scrolls to it
            on_screen(page, action, ZOOMED)
        page.locator("#f-vendor_name").scroll_into_view_if_needed()
        on_screen(page, "#f-vendor_name .value", ZOOMED)
