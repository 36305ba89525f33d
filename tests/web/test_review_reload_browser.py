"""Reloading the page a form answered, in headless Chromium against `claimflow serve`.

A page that is the answer to a POST is posted again on reload (the browser asks to resubmit the form). Every
answer of the review page's forms is a redirect to a page got by GET, which a reload only reads again; what the
answer says (a claim refused, and why) is still said after the reload.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.web._browser import invoice_review, token

pytestmark = pytest.mark.slow


def test_reloading_a_refused_claim_posts_nothing_and_still_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with invoice_review(tmp_path, monkeypatch) as review:
        from playwright.sync_api import expect

        page, run_id = review.page, review.run_id
        page.fill("#comment", "total read from the wrong line")
        # ana is given the review while kim's page still shows it unassigned, with its Claim button.
        admin = token(review.data, "root", "admin")
        with httpx.Client(base_url=review.base, headers={"Authorization": f"Bearer {admin}"}) as api:
            assert api.post(f"/v1/reviews/{run_id}/assign", json={"to": "ana"}).status_code == 200

        page.click("#claim-button")
        problems = page.locator(".problems")
        expect(problems).to_contain_text("Not claimed: the review is not yours.")
        expect(problems).to_contain_text(  # what can be done about it on the page, not in a terminal
            f"run {run_id} is assigned to ana: only they (or a member of that group) may claim it; an admin can"
            " assign it to another reviewer"
        )
        expect(problems).not_to_contain_text("claimflow")
        expect(page.locator("#comment")).to_have_value("total read from the wrong line")
        # What is true now: ana holds it, and a claim would be refused again, so no button offers one.
        expect(page.locator("#claim-button")).to_have_count(0)
        expect(page.locator("#held-by")).to_have_text(
            "Held by ana: only they may claim or decide it. Ask an admin to assign it to you."
        )

        sent: list[str] = []
        page.on("request", lambda request: sent.append(request.method) if request.is_navigation_request() else None)
        page.reload()
        assert sent == ["GET"]  # the page shown was got, not posted: a reload claims nothing again
        expect(problems).to_contain_text(f"run {run_id} is assigned to ana")
        expect(page.locator("#comment")).to_have_value("total read from the wrong line")
        expect(page.locator("#assignee")).to_contain_text("Assigned to ana")


def test_reloading_a_refused_decision_posts_nothing_and_keeps_what_was_typed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with invoice_review(tmp_path, monkeypatch) as review:
        from playwright.sync_api import expect

        page = review.page
        page.click("#f-total_amount .edit-toggle")
        page.fill("input[name='field.total_amount']", "180.00")
        page.click("#approve")  # refused: approving would lose the change
        problems = page.locator(".problems")
        expect(problems).to_contain_text("Not saved: the run is still waiting.")
        expect(problems).to_contain_text("you changed total_amount: save edits to keep the change")

        sent: list[str] = []
        page.on("request", lambda request: sent.append(request.method) if request.is_navigation_request() else None)
        page.reload()
        assert sent == ["GET"]  # the page shown was got, not posted: a reload decides nothing
        expect(problems).to_contain_text("you changed total_amount: save edits to keep the change")
        expect(page.locator("input[name='field.total_amount']")).to_have_value("180.00")

        page.click("#save")  # what was typed is still there to save
        expect(page.locator(".flash")).to_contain_text("Saved edits to invoice.txt")
