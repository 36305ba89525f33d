"""Clearing a wrongly extracted optional field, on the review page, over the REST API and with `review decide`.

An emptied optional field is an edit to no value: the record holds it empty, edited by the reviewer, and the
events say it was cleared. A required field cannot be cleared: the refusal names it and the run stays paused.
"""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from tests.integration._docs import json_lines, run_cli
from tests.web._browser import paused_invoice, served, token
from tests.web.test_review_edit_again import hidden_inputs

pytestmark = pytest.mark.slow


def _cleared(api: httpx.Client, run_id: str, reviewer: str) -> None:
    """The run completed with due_date empty, edited by `reviewer`, and an event saying it was cleared."""
    run = api.get(f"/v1/runs/{run_id}").json()
    assert run["status"] == "completed", run
    record = api.get(f"/v1/runs/{run_id}/record").json()["record"]
    assert record["due_date"]["value"] is None, record["due_date"]
    assert record["due_date"]["status"] == "edited"
    assert record["due_date"]["decided_by"] == f"reviewer {reviewer}"
    assert record["total_amount"]["value"] == "180.00"
    events = api.get(f"/v1/runs/{run_id}/events").json()
    [cleared] = [e for e in events if e["type"] == "claim.accepted" and e["data"].get("cleared")]
    assert cleared["data"]["field"] == "due_date" and cleared["data"]["value"] is None
    assert cleared["data"]["previous"] == "2024-04-04"
    assert cleared["data"]["reasons"] == [f"cleared by reviewer {reviewer} (was '2024-04-04'): no value"]


def test_the_review_page_clears_an_optional_field_and_refuses_to_clear_a_required_one(tmp_path: Path) -> None:
    data, run_id = paused_invoice(tmp_path)
    kim = token(data, "kim", "reviewer")
    with served(data) as base, httpx.Client(base_url=base) as browser:
        api = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {kim}"})
        assert browser.post("/review/sign-in", data={"token": kim}).status_code == 303
        shown = browser.get(f"/review/runs/{run_id}").text
        form = hidden_inputs(shown)
        assert form["was.due_date"] == "2024-04-04"
        # Each box says whether emptying it clears the field or is refused.
        assert '<span class="hint" id="hint-due_date">date; empty it to clear</span>' in shown
        assert '<span class="hint" id="hint-vendor_name">text; required</span>' in shown
        assert (
            'name="field.due_date" value="2024-04-04" aria-label="due_date" aria-describedby="hint-due_date"' in shown
        )

        refused = browser.post(
            f"/review/runs/{run_id}",
            data={**form, "action": "edit", "field.vendor_name": "", "field.due_date": ""},
            follow_redirects=True,
        )
        assert refused.status_code == 422, refused.text
        assert "vendor_name is required: it cannot be cleared" in refused.text
        assert "give a value" not in refused.text
        assert api.get(f"/v1/runs/{run_id}").json()["status"] == "needs_review"

        saved = browser.post(
            f"/review/runs/{run_id}",
            data={**form, "action": "edit", "field.due_date": "", "field.total_amount": "180.00"},
        )
        assert saved.status_code == 303, saved.text
        _cleared(api, run_id, "kim")

        exported = tmp_path / "records.jsonl"
        done = run_cli("export", exported, "--data-dir", data)
        assert done.returncode == 0, done.stderr
        [line] = exported.read_text().splitlines()
        record = json.loads(line)
        assert record["due_date"]["value"] is None and record["due_date"]["status"] == "edited", record
        api.close()


def test_the_api_clears_a_field_given_no_values(tmp_path: Path) -> None:
    data, run_id = paused_invoice(tmp_path)
    kim = token(data, "kim", "reviewer")
    with served(data) as base, httpx.Client(base_url=base, headers={"Authorization": f"Bearer {kim}"}) as api:
        seen = api.get(f"/v1/reviews/{run_id}").json()["interrupt_id"]
        refused = api.post(
            f"/v1/reviews/{run_id}/decision",
            json={"interrupt_id": seen, "action": "edit", "edits": {"invoice_number": []}},
        )
        assert refused.status_code == 422, refused.text
        assert refused.json()["errors"] == [
            "body.edits.invoice_number: invoice_number is required: it cannot be cleared; give it a value, or reject"
            " the run"
        ]
        done = api.post(
            f"/v1/reviews/{run_id}/decision",
            json={"interrupt_id": seen, "action": "edit", "edits": {"due_date": [], "total_amount": ["180.00"]}},
        )
        assert done.status_code == 200, done.text
        _cleared(api, run_id, "kim")


def test_review_decide_clears_a_field_set_to_nothing(tmp_path: Path) -> None:
    data, run_id = paused_invoice(tmp_path)
    refused = run_cli("review", "decide", run_id, "--reviewer", "kim", "--set", "issue_date=", "--data-dir", data)
    assert refused.returncode != 0
    assert "issue_date is required: it cannot be cleared" in refused.stderr + refused.stdout
    done = run_cli(
        "review", "decide", run_id, "--reviewer", "kim", "--set", "due_date=", "--set", "total_amount=180.00",
        "--data-dir", data, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    [view] = json_lines(done.stdout)
    assert view["status"] == "completed", view
    # Cleared: an edit, of no value, so of no confidence; the value set beside it is the reviewer's, wholly sure.
    assert view["fields"]["due_date"] == {"value": None, "status": "edited", "confidence": None, "evidence": []}
    assert view["fields"]["total_amount"]["confidence"] == 1.0
    kim = token(data, "kim", "reviewer")
    with served(data) as base, httpx.Client(base_url=base, headers={"Authorization": f"Bearer {kim}"}) as api:
        _cleared(api, run_id, "kim")
