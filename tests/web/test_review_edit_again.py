"""An edit that still breaks a rule, saved on the review page of `claimflow serve`, over real HTTP.

The run comes back for review with the rule's reason. The reviewer who saved the edit is taken back to that
run, told in words that it needs review again, rather than sent to another run with "it is needs review".
"""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from tests.integration._docs import mismatch_invoice_text, write
from tests.web._browser import processed, served, token

pytestmark = pytest.mark.slow


def hidden_inputs(page: str) -> dict[str, str]:
    """The review form's hidden inputs: its CSRF token, the review's id and each field's shown value."""
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))


def test_an_edit_that_still_breaks_a_rule_brings_the_reviewer_back_to_its_run(tmp_path: Path) -> None:
    folder, data = tmp_path / "inbox", tmp_path / "data"
    write(folder, "a-invoice.txt", mismatch_invoice_text("A-1"))  # waits longer: first in the queue
    processed(folder, data)
    write(folder, "b-invoice.txt", mismatch_invoice_text("B-2"))
    views = {view["document"]: view for view in processed(folder, data)}
    assert {name: view["status"] for name, view in views.items()} == dict.fromkeys(views, "needs_review")
    run_id = str(views["b-invoice.txt"]["run_id"])
    kim = token(data, "kim", "reviewer")

    with served(data) as base, httpx.Client(base_url=base) as browser:
        assert browser.post("/review/sign-in", data={"token": kim}).status_code == 303
        form = hidden_inputs(browser.get(f"/review/runs/{run_id}").text)
        # 150.00 + 30.00 is still not 185.00: the rule fails again.
        saved = browser.post(f"/review/runs/{run_id}", data={**form, "action": "edit", "field.total_amount": "185.00"})
        assert saved.status_code == 303, saved.text
        assert saved.headers["location"].startswith(f"/review/runs/{run_id}?"), saved.headers["location"]
        page = browser.get(saved.headers["location"])
        assert page.status_code == 200
        assert "Saved edits to b-invoice.txt: it needs review again, for the reasons below." in page.text
        assert "is needs review" not in page.text
        assert "net_plus_tax_equals_total" in page.text
        review = browser.get(f"/v1/reviews/{run_id}", headers={"Authorization": f"Bearer {kim}"}).json()
        assert review["interrupt_id"] != form["interrupt_id"]
        assert [field["value"] for field in review["fields"] if field["name"] == "total_amount"] == ["185.00"]
