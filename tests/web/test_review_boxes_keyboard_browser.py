"""The boxes on a PDF's page image are controls of their own, from the keyboard alone, at 200% zoom and on a phone.

In one column the document stands above the fields: Enter on a field's evidence quote scrolls the document to its
box and the focus goes with it, so the element focused is the one in view; Enter or Space on a box selects the
field it is evidence for and gives that field the focus, scrolled into view.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.web._browser import invoice_review
from tests.web._pdf_review import PHONE, ZOOMED, evidence_in_view, in_window, pdf_review, settle

pytestmark = pytest.mark.slow

FOCUSED = """() => {
  const element = document.activeElement;
  return {id: element.id, classes: element.className, mark: element.dataset.mark || null,
          field: element.closest('.field') ? element.closest('.field').id : null};
}"""
OWNER = """(mark) => [...document.querySelectorAll('.field[data-marks]')]
  .filter(field => field.dataset.marks.split(/\\s+/).includes(mark)).map(field => field.id)[0]"""


def focused(page: Any) -> dict[str, Any]:
    return dict(page.evaluate(FOCUSED))


def press_until(page: Any, key: str, wanted: str) -> None:
    """Press `key` until the element focused matches the CSS selector `wanted` (at most 80 presses)."""
    for _ in range(80):
        if page.evaluate("(wanted) => document.activeElement.matches(wanted)", wanted):
            return
        page.keyboard.press(key)
    raise AssertionError(f"{key} never reached {wanted}: {focused(page)}")


@pytest.mark.parametrize("size", [ZOOMED, PHONE], ids=["200%", "phone"])
def test_the_focus_follows_a_quote_to_its_box_and_a_box_to_its_field(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: dict[str, int]
) -> None:
    with pdf_review(tmp_path, monkeypatch, size) as page:
        from playwright.sync_api import expect

        # J walks the fields, Tab goes on into the one reached, to its first evidence quote.
        press_until(page, "j", "#f-total_amount")
        press_until(page, "Tab", "#f-total_amount .quote")
        settle(page)
        if size is ZOOMED:  # the document scrolled out of the window (a phone's is taller: part of it shows)
            assert page.evaluate("document.getElementById('viewer').getBoundingClientRect().bottom") <= 0

        page.keyboard.press("Enter")
        box = evidence_in_view(page, size)
        now = focused(page)
        assert "hl" in now["classes"].split() and "active" in now["classes"].split(), now  # the box, not the quote
        box_element = page.locator(".sheet .hl:focus")
        expect(box_element).to_have_role("button")
        expect(box_element).to_have_accessible_name("total amount: evidence on page 1")
        assert box_element.bounding_box() == pytest.approx(box, abs=0.5)

        page.keyboard.press("Enter")  # the box selects its field and hands it the focus, in the window
        settle(page)
        assert focused(page)["id"] == "f-total_amount"
        assert "selected" in (page.locator("#f-total_amount").get_attribute("class") or "")
        in_window(page, "#f-total_amount .value", size)

        # Every box is a stop of Tab's: from the document's frame, Tab reaches one; Space works it as Enter does.
        press_until(page, "Shift+Tab", "#viewer")
        press_until(page, "Tab", ".sheet .hl")
        mark = focused(page)["mark"]
        owner = page.evaluate(OWNER, mark)
        page.keyboard.press(" ")
        settle(page)
        assert focused(page)["id"] == owner, (mark, owner)
        assert "selected" in (page.locator(f"#{owner}").get_attribute("class") or "")
        in_window(page, f"#{owner} .fname", size)


def test_a_texts_marked_quotes_are_buttons_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with invoice_review(tmp_path, monkeypatch) as review:
        from playwright.sync_api import expect

        page = review.page
        page.wait_for_load_state("load")
        page.focus("#viewer")
        press_until(page, "Tab", ".text-page .hl-text")
        mark = focused(page)["mark"]
        owner = page.evaluate(OWNER, mark.split()[-1])  # a quote marked for two fields: the one its name gives
        marked = page.locator(".text-page .hl-text:focus")
        expect(marked).to_have_role("button")
        name = owner.removeprefix("f-").replace("_", " ")
        expect(marked).to_have_accessible_name(f"{name}: {marked.inner_text()}")

        page.keyboard.press("Enter")
        assert focused(page)["id"] == owner
        assert "selected" in (page.locator(f"#{owner}").get_attribute("class") or "")
