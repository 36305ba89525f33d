"""A PDF's evidence at 200% zoom and on a phone, and its page magnified, in headless Chromium against `claimflow serve`.

At 200% (a 1280 by 800 window lays out in 640 by 400 CSS pixels) the review is one column, the document above the
fields: the document is scrolled out of the window when the reviewer reaches a field further down, and clicking
its evidence must bring the box on the page image into the window, and clicking the box back to the field. On a
phone the page image is shrunk to the screen's width, its print too small to read: Magnify shows it at its own
pixel width (144 dpi) in the document's frame, which scrolls sideways, the boxes still where the words are.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.web._pdf_review import PHONE, ZOOMED, box_of, evidence_in_view, in_window, pdf_review, settle

pytestmark = pytest.mark.slow


def test_at_200_percent_the_evidence_of_a_field_far_down_comes_into_view_and_its_box_leads_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pdf_review(tmp_path, monkeypatch, ZOOMED) as page:
        quote = page.locator("#f-total_amount .quote").first
        quote.scroll_into_view_if_needed()
        settle(page)
        document = box_of(page, "#viewer")
        assert document["y"] + document["height"] <= 0, document  # the document is scrolled out of the window

        quote.click()
        evidence_in_view(page, ZOOMED)

        page.locator(".sheet .hl.active").first.click()  # the box selects its field, and the window goes back to it
        settle(page)
        assert "selected" in (page.locator("#f-total_amount").get_attribute("class") or "")
        in_window(page, "#f-total_amount .value", ZOOMED)


def test_on_a_phone_the_page_magnified_scrolls_sideways_and_the_evidence_stays_on_its_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pdf_review(tmp_path, monkeypatch, PHONE) as page:
        from playwright.sync_api import expect

        magnify = page.locator("#magnify")
        expect(magnify).to_have_accessible_name("Magnify Z")
        expect(magnify).to_have_attribute("aria-pressed", "false")
        image = "#page-1 .sheet img"
        assert box_of(page, image)["width"] <= PHONE["width"]  # shrunk to the screen: its print too small to read

        magnify.focus()
        page.keyboard.press("Enter")  # a button: Enter (or Space, or a tap) works it
        expect(magnify).to_have_attribute("aria-pressed", "true")
        settle(page)
        shown = box_of(page, image)
        natural = page.evaluate(f"document.querySelector({image!r}).naturalWidth")
        assert natural >= 1000, natural  # 144 dpi: an A4 page 1190 pixels wide
        assert abs(shown["width"] - natural) <= 1, (shown, natural)  # at its own pixel width: wider than the screen
        assert shown["width"] > PHONE["width"]
        frame = page.evaluate("[viewer.scrollWidth, viewer.clientWidth]")
        assert frame[0] > frame[1], frame
        window = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert window[0] <= window[1], window  # the frame scrolls, not the page: nothing else is cut at the right
        page.evaluate("viewer.scrollLeft = 0")
        page.focus("#viewer")  # the frame is a focus stop: the arrow keys scroll it sideways
        page.keyboard.press("ArrowRight")
        settle(page)
        assert page.evaluate("viewer.scrollLeft") > 0
        page.evaluate("viewer.scrollLeft = viewer.scrollWidth")  # as a finger would, to the page's far edge
        settle(page)

        page.locator("#f-total_amount .quote").first.click()  # its evidence is at the page's left: scrolled back to
        box = evidence_in_view(page, PHONE)
        # On its words: where its place on the page (in percent of the page) puts it on the image at this size.
        shown = box_of(page, image)
        placed = page.evaluate(
            "(() => { const s = document.querySelector('.sheet .hl.active').style;"
            " return [parseFloat(s.left), parseFloat(s.top), parseFloat(s.width)]; })()"
        )
        assert abs(box["x"] - (shown["x"] + placed[0] / 100 * shown["width"])) <= 1.5, (box, shown, placed)
        assert abs(box["y"] - (shown["y"] + placed[1] / 100 * shown["height"])) <= 1.5, (box, shown, placed)
        assert abs(box["width"] - placed[2] / 100 * shown["width"]) <= 1.5, (box, shown, placed)

        page.locator("#f-vendor_name").focus()  # Z, away from a text box, puts the page back to the screen's width
        page.keyboard.press("z")
        expect(magnify).to_have_attribute("aria-pressed", "false")
        settle(page)
        assert box_of(page, image)["width"] <= PHONE["width"]
        evidence_in_view(page, PHONE)
