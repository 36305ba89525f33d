"""Deadlines and assignment on the review page, and the API docs, in headless Chromium against `claimflow serve`.

Invoices are due two seconds after they pause; the server's own sweep (every second) marks them overdue and
escalates them to the group `leads` (kim is in it). The queue puts them first with an overdue mark; kim claims
one on its review screen, is refused the one an admin gave to ana, and finds hers under "Assigned to me".
Every request the browser makes goes to the server: anything else is aborted and fails the test.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.integration._docs import MEMO, mismatch_invoice_text, write
from tests.web._browser import CHROMIUM, processed, served, token
from tests.web.test_review_browser import shoot

pytestmark = pytest.mark.slow

POLICY = {
    "review": {
        "due": {"invoice": "2s"},
        "on_overdue": {"invoice": "escalate"},
        "escalate_to": {"invoice": "leads"},
        "groups": {"leads": ["kim"]},
    }
}


def _escalated(api: httpx.Client, count: int) -> list[dict[str, Any]]:
    """The queue once `count` reviews are escalated by the server's sweep (no CLI sweep runs)."""
    deadline = time.monotonic() + 60
    while True:
        queue: list[dict[str, Any]] = api.get("/v1/reviews").json()
        if sum(item["escalated"] for item in queue) == count:
            return queue
        assert time.monotonic() < deadline, f"the server's sweep did not escalate: {queue}"
        time.sleep(0.2)


def test_a_reviewer_sees_overdue_reviews_first_claims_one_and_finds_it_as_hers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert CHROMIUM.exists(), "Debian's chromium is missing: run scripts/system-deps.sh"
    monkeypatch.setenv("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
    from playwright.sync_api import expect, sync_playwright

    policy = tmp_path / "policy.json"
    policy.write_text(json.dumps(POLICY), encoding="utf-8")
    env = {"CLAIMFLOW_POLICY": str(policy), "CLAIMFLOW_SWEEP_SECONDS": "1"}
    folder, data = tmp_path / "inbox", tmp_path / "data"
    write(folder, "a-invoice.txt", mismatch_invoice_text("A-1"))
    write(folder, "b-memo.txt", MEMO)
    write(folder, "c-invoice.txt", mismatch_invoice_text("C-3"))
    views = {view["document"]: view for view in processed(folder, data, **env)}
    assert {view["status"] for view in views.values()} == {"needs_review"}
    kim, admin = token(data, "kim", "reviewer"), token(data, "root", "admin")

    with (
        served(data, **env) as base,
        httpx.Client(base_url=base, headers={"Authorization": f"Bearer {admin}"}) as api,
        sync_playwright() as playwright,
    ):
        _escalated(api, 2)
        ana_run = str(views["c-invoice.txt"]["run_id"])
        assert api.post(f"/v1/reviews/{ana_run}/assign", json={"to": "ana"}).json()["assignee"] == "ana"

        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        elsewhere: list[str] = []

        def same_origin_only(route: Any) -> None:
            if route.request.url.startswith(base):
                route.continue_()
            else:
                elsewhere.append(route.request.url)
                route.abort()

        page.route("**/*", same_origin_only)
        page.goto(f"{base}/review")
        page.fill("#token", kim)
        page.click("button[type=submit]")
        rows = page.locator("table.runs tbody tr")
        expect(rows).to_have_count(3)
        # Overdue (and escalated) invoices first, in arrival order; the memo without a due time last.
        assert [rows.nth(i).get_attribute("data-run") for i in range(3)] == [
            views[name]["run_id"] for name in ("a-invoice.txt", "c-invoice.txt", "b-memo.txt")
        ]
        expect(rows.nth(0).locator(".badge.late")).to_have_text("Overdue")
        expect(rows.nth(0).locator(".badge.high")).to_be_visible()
        expect(rows.nth(0).locator("td.assignee")).to_have_text("leads")
        expect(rows.nth(1).locator("td.assignee")).to_have_text("ana")
        expect(rows.nth(2).locator(".badge.late")).to_have_count(0)
        shoot(page, tmp_path, "desk-queue.png")

        page.click("#filter-overdue")
        expect(rows).to_have_count(2)
        page.click("#filter-overdue")
        expect(rows).to_have_count(3)

        # ana has c: kim is offered no claim (it would be refused), and is told who has it.
        page.click("a.doc:has-text('c-invoice.txt')")
        expect(page.locator("#assignee")).to_contain_text("Assigned to ana")
        expect(page.locator("#claim-button")).to_have_count(0)
        expect(page.locator("#held-by")).to_contain_text("Held by ana: only they may claim or decide it.")
        shoot(page, tmp_path, "desk-claim-refused.png")

        # a is escalated to leads, kim's group: her claim takes it.
        page.goto(f"{base}/review")
        page.click("a.doc:has-text('a-invoice.txt')")
        expect(page.locator("#assignee")).to_contain_text("Assigned to leads")
        expect(page.locator(".doc-head .badge.late")).to_contain_text("Overdue")
        page.click("#claim-button")
        expect(page.locator(".flash")).to_contain_text("Claimed a-invoice.txt: it is assigned to kim.")
        expect(page.locator("#assignee")).to_have_text("Assigned to you")
        expect(page.locator("#claim-button")).to_have_count(0)
        shoot(page, tmp_path, "desk-claimed.png")

        page.goto(f"{base}/review")
        page.click("#filter-mine")
        expect(rows).to_have_count(1)
        expect(rows.nth(0)).to_contain_text("a-invoice.txt")
        expect(rows.nth(0).locator("td.assignee")).to_have_text("You")
        shoot(page, tmp_path, "desk-mine.png")
        claimed = [e["type"] for e in api.get(f"/v1/runs/{views['a-invoice.txt']['run_id']}/events").json()]
        assert [t for t in claimed if t.startswith("review.")] == [
            "review.requested",
            "review.overdue",
            "review.escalated",
            "review.claimed",
        ]

        # The API docs, offline: Swagger UI from the server itself lists the operations.
        page.goto(f"{base}/docs")
        expect(page.locator(".opblock-summary-path", has_text="/v1/reviews/{run_id}/claim")).to_be_visible()
        operations = sum(len(methods) for methods in api.get("/openapi.json").json()["paths"].values())
        expect(page.locator(".opblock")).to_have_count(operations)
        shoot(page, tmp_path, "docs.png")
        browser.close()

    assert elsewhere == []
