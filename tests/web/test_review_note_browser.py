"""A refused decision's note on the review pages, in headless Chromium against `claimflow serve`.

The engine keeps why it refused a decision, with what to do in a terminal (`claimflow review assign ...`); the CLI
shows it so, the API names the request instead. A reviewer in a browser reads the same reason, with what to do there
instead, in the queue and on the review (a claim refused the same way: `test_review_reload_browser`).
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.integration._docs import mismatch_invoice_text, write
from tests.web._browser import CHROMIUM, processed, served, signed_in_page, token
from tests.web.test_review_browser import shoot

pytestmark = pytest.mark.slow


def test_a_decision_refused_for_another_assignee_is_noted_without_terminal_advice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert CHROMIUM.exists(), "Debian's chromium is missing: run scripts/system-deps.sh"
    monkeypatch.setenv("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")  # drive Debian's browser, never download one
    from playwright.sync_api import expect, sync_playwright

    folder, data = tmp_path / "inbox", tmp_path / "data"
    write(folder, "a-invoice.txt", mismatch_invoice_text("A-1"))
    [view] = processed(folder, data)
    assert view["status"] == "needs_review"
    run_id = str(view["run_id"])
    kim, admin = token(data, "kim", "reviewer"), token(data, "root", "admin")

    with (
        served(data) as base,
        httpx.Client(base_url=base, headers={"Authorization": f"Bearer {admin}"}) as api,
        sync_playwright() as playwright,
    ):
        assert api.post(f"/v1/reviews/{run_id}/assign", json={"to": "ana"}).status_code == 200
        review = api.get(f"/v1/reviews/{run_id}").json()
        refused = api.post(
            f"/v1/reviews/{run_id}/decision",
            json={"interrupt_id": review["interrupt_id"], "action": "approve"},
            headers={"Authorization": f"Bearer {kim}"},
        )
        assert refused.status_code == 409, refused.text
        # The API names the request that does what the engine's terminal advice says, as its 409 does.
        note = api.get(f"/v1/reviews/{run_id}").json()["note"]
        assert "the decision of kim was refused" in note and f"`POST /v1/reviews/{run_id}/assign`" in note, note
        assert "claimflow" not in note, note

        browser, page = signed_in_page(playwright, base, kim)
        queued = page.locator("table.runs tbody tr .note")
        expect(queued).to_contain_text("the decision of kim was refused")
        expect(queued).not_to_contain_text("claimflow")

        page.click("a.doc:has-text('a-invoice.txt')")
        shown = page.locator("#review-note")
        expect(shown).to_contain_text(
            f"the decision of kim was refused: run {run_id} is assigned to ana: only they (or a member of that"
            " group) may decide it; an admin can assign it to another reviewer; decide again"
        )
        expect(shown).not_to_contain_text("claimflow")
        shoot(page, tmp_path, "review-note-refused.png")

        # A claim would be refused the same way: no Claim button is offered, the page says who has it instead.
        expect(page.locator("#claim-button")).to_have_count(0)
        expect(page.locator("#held-by")).to_contain_text("Held by ana: only they may claim or decide it.")
        browser.close()
