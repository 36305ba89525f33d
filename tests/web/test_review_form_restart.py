"""A review form loaded before `claimflow serve` restarted still decides on the server that replaced it.

A deploy or a crash restarts the server while reviewers have review screens open with values typed in. Their
session cookie (the token) is still good; the form's CSRF token must be too, or every open form answers
refused as not the session's own and what the reviewer typed is lost.
"""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from tests.integration._docs import run_cli
from tests.web._browser import paused_invoice, served, token

pytestmark = pytest.mark.slow


def hidden_inputs(page: str) -> dict[str, str]:
    """The review form's hidden inputs: its CSRF token, the review's id and each field's shown value."""
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))


def test_a_form_loaded_before_a_restart_saves_its_edit_on_the_new_server(tmp_path: Path) -> None:
    data, run_id = paused_invoice(tmp_path)
    kim = token(data, "kim", "reviewer")

    with served(data) as base, httpx.Client(base_url=base) as before:
        assert before.post("/review/sign-in", data={"token": kim}).status_code == 303
        form = hidden_inputs(before.get(f"/review/runs/{run_id}").text)
        signed_out_form = hidden_inputs(before.get("/review").text)
    assert form["was.total_amount"] == "190.00"

    with served(data) as base, httpx.Client(base_url=base, cookies=before.cookies) as after:
        saved = after.post(f"/review/runs/{run_id}", data={**form, "action": "edit", "field.total_amount": "180.00"})
        assert saved.status_code == 303, saved.text
        run = after.get(f"/v1/runs/{run_id}", headers={"Authorization": f"Bearer {kim}"}).json()
        assert run["status"] == "completed"
        assert run["fields"]["total_amount"]["value"] == "180.00"
        # The queue's sign-out form, loaded before the restart, signs out too.
        assert after.post("/review/sign-out", data={"csrf": signed_out_form["csrf"]}).status_code == 303

    # A form of another session is still refused: the token is the session's own.
    ana = token(data, "ana", "reviewer")
    with served(data) as base, httpx.Client(base_url=base) as other:
        assert other.post("/review/sign-in", data={"token": ana}).status_code == 303
        refused = other.post("/review/sign-out", data={"csrf": signed_out_form["csrf"]}, follow_redirects=True)
        assert "Not signed out" in refused.text and "Waiting for review" in refused.text


def test_a_stale_form_of_the_reviewers_own_comes_back_only_from_this_servers_origin(tmp_path: Path) -> None:
    """Over plain http a browser sends no `Sec-Fetch-Site`, only `Origin`: it decides whether the values come back."""
    data, run_id = paused_invoice(tmp_path)
    old = token(data, "kim", "reviewer")
    with served(data) as base, httpx.Client(base_url=base) as browser:
        assert browser.post("/review/sign-in", data={"token": old}).status_code == 303
        form = hidden_inputs(browser.get(f"/review/runs/{run_id}").text)
        assert run_cli("token", "revoke", "kim", "--data-dir", data).returncode == 0
        browser.cookies.clear()
        new = token(data, "kim", "reviewer")
        assert browser.post("/review/sign-in", data={"token": new}).status_code == 303
        typed = {**form, "action": "edit", "field.total_amount": "180.00", "comment": "from the old page"}

        def sent(headers: dict[str, str], **changed: str) -> str:
            answer = browser.post(f"/review/runs/{run_id}", data={**typed, **changed}, headers=headers)
            assert answer.status_code == 303, answer.text
            page = browser.get(answer.headers["location"])
            assert page.status_code == 403 and "nothing of it was recorded" in page.text
            return page.text

        assert 'value="from the old page"' in sent({"Origin": base})
        assert 'value="from the old page"' in sent({"Sec-Fetch-Site": "same-origin", "Origin": "null"})
        assert 'value="from the old page"' not in sent({"Origin": "http://127.0.0.1:1"})  # another port's page
        assert 'value="from the old page"' not in sent({"Sec-Fetch-Site": "same-site", "Origin": base})
        assert 'value="from the old page"' not in sent({})  # nothing says where it came from
        assert 'value="from the old page"' not in sent({"Origin": base}, reviewer="ana")  # another reviewer's tab
        run = browser.get(f"/v1/runs/{run_id}", headers={"Authorization": f"Bearer {new}"}).json()
        assert run["status"] == "needs_review"  # nothing was decided
