"""Due times, assignees and claims on the review pages, over HTTP through the real app.

The browser test sees the same in Chromium; these pin the queue's order and filters, and the claim form's CSRF.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
import time
from dataclasses import replace

from claimflow.runtime.data_dir import REGISTRY_FILE
from claimflow.runtime.settings import Settings
from claimflow.state.policy import Policy
from claimflow.state.review import ReviewDecision
from tests.integration._docs import MEMO, mismatch_invoice_text
from tests.service._api import serving
from tests.web.test_review_pages import form_of, signed_in, waiting

ESCALATE = {
    "review": {
        "due": {"invoice": "1s"},
        "on_overdue": {"invoice": "escalate"},
        "escalate_to": {"invoice": "leads"},
        "groups": {"leads": ["reviewer"]},
    }
}


def rows(page: str) -> list[str]:
    """The run ids of the queue's rows, top to bottom."""
    return re.findall(r'data-run="([^"]+)"', page)


async def test_the_queue_puts_overdue_and_escalated_reviews_first_and_filters_them(settings: Settings) -> None:
    async with serving(replace(settings, policy=Policy.model_validate(ESCALATE), sweep_seconds=0)) as api:
        memo = await waiting(api, "memo.txt", MEMO)
        first = await waiting(api, "first.txt", mismatch_invoice_text("F-1"))
        late = await waiting(api, "late.txt", mismatch_invoice_text("L-2"))
        due = {run: (await api.engine.registry.get_run(run)).review_due_at or 0.0 for run in (first, late)}
        await asyncio.sleep(max(0.0, due[late] - time.time()) + 0.05)  # both invoices overdue now
        [escalated] = await api.engine.sweep_reviews(now=due[first])  # only `first` is due at that moment
        assert escalated.run_id == first
        await api.engine.assign_review(memo, "reviewer")
        signed_in(api, "reviewer")

        everything = (await api.client.get("/review")).text
        overdue = (await api.client.get("/review?overdue=1")).text
        mine = (await api.client.get("/review?mine=1")).text
        both = (await api.client.get("/review?mine=1&overdue=1")).text

    assert rows(everything) == [first, late, memo]  # overdue first (the escalated before the other), then the rest
    assert everything.count('<span class="badge late">Overdue</span>') == 2 and "High priority" in everything
    assert rows(overdue) == [first, late]
    # Assigned to me: the memo assigned to the reviewer, and `first` escalated to `leads`, a group the reviewer is in.
    assert rows(mine) == [first, memo] and '<span class="badge mine">You</span>' in mine
    assert re.search(r'id="filter-mine">Assigned to me <span>2</span>', everything)
    assert rows(both) == [first]


async def test_a_claim_from_the_page_needs_the_forms_token(settings: Settings) -> None:
    async with serving(replace(settings, sweep_seconds=0)) as api:
        run_id = await waiting(api, "claim.txt", mismatch_invoice_text())
        signed_in(api, "reviewer")
        screen = (await api.client.get(f"/review/runs/{run_id}")).text
        forged = await api.client.post(f"/review/runs/{run_id}/claim", data={"csrf": "forged"})
        said = await api.client.get(forged.headers["location"])  # answered by a redirect, as every claim is
        untouched = (await api.engine.registry.get_run(run_id)).assignee
        claimed = await api.client.post(f"/review/runs/{run_id}/claim", data={"csrf": form_of(screen)["csrf"]})
        after = (await api.client.get(claimed.headers["location"])).text

    assert 'id="claim-button"' in screen and "Not assigned" in screen
    assert forged.status_code == 303 and untouched is None
    assert said.status_code == 403 and "Not claimed." in said.text and "not this session&#39;s" in said.text
    assert claimed.status_code == 303
    assert "Assigned to you" in after and 'id="claim-button"' not in after
    assert "Claimed claim.txt: it is assigned to reviewer." in after


async def test_a_due_time_stored_past_any_date_reads_as_none_in_the_api_and_on_the_pages(settings: Settings) -> None:
    """A review opened under a `due` longer than 3650d (taken before it was refused) has no due time anywhere."""
    policy = Policy.model_validate({"review": {"due": {"*": "3d"}}})
    async with serving(replace(settings, policy=policy, sweep_seconds=0)) as api:
        memo = await waiting(api, "memo.txt", MEMO)
        with sqlite3.connect(settings.data_dir / REGISTRY_FILE) as db:
            longer = 99999999999999 * 86400  # the `due` of "99999999999999d"
            db.execute("UPDATE runs SET review_due_at = review_opened_at + ? WHERE run_id = ?", (longer, memo))
        db.close()
        queue = await api.client.get("/v1/reviews", headers=api.auth("reviewer"))
        review = await api.client.get(f"/v1/reviews/{memo}", headers=api.auth("reviewer"))
        signed_in(api, "reviewer")
        page = await api.client.get("/review")
        screen = await api.client.get(f"/review/runs/{memo}")

    assert queue.status_code == 200, queue.text
    assert [(item["run_id"], item["due_at"], item["overdue"]) for item in queue.json()] == [(memo, None, False)]
    assert review.status_code == 200, review.text
    assert (review.json()["due_at"], review.json()["overdue"]) == (None, False)
    assert page.status_code == 200 and rows(page.text) == [memo]
    assert screen.status_code == 200 and memo in screen.text


async def test_a_claim_keeps_what_was_typed_and_says_when_the_review_it_was_typed_on_is_gone(
    settings: Settings,
) -> None:
    # The Claim button sends the review's form: edits typed before claiming came back lost, the review reloaded.
    # Typed on a review another edit has replaced since, they come back with that edit named, as a decision's do.
    async with serving(replace(settings, sweep_seconds=0)) as api:
        run_id = await waiting(api, "claim.txt", mismatch_invoice_text())
        signed_in(api, "reviewer")
        form = form_of((await api.client.get(f"/review/runs/{run_id}")).text)
        typed = {**form, "field.order_number": "ALICE-1", "comment": "seen on the PO"}
        claimed = await api.client.post(f"/review/runs/{run_id}/claim", data=typed)
        kept = await api.client.get(claimed.headers["location"])
        first = ReviewDecision(reviewer="root", action="edit", edits={"order_number": ["ROOT-1"]})
        await api.engine.decide(run_id, first, interrupt_id=form["interrupt_id"], any_assignee=True)
        moved = await api.client.get(
            (await api.client.post(f"/review/runs/{run_id}/claim", data=typed)).headers["location"]
        )
        assignee = (await api.engine.registry.get_run(run_id)).assignee

    assert claimed.status_code == 303  # reloading the page after it claims nothing again
    assert kept.status_code == 200 and assignee == "reviewer"
    assert "Claimed claim.txt: it is assigned to reviewer." in kept.text
    assert 'value="ALICE-1"' in kept.text and 'value="seen on the PO"' in kept.text
    assert "moved on" not in kept.text
    assert moved.status_code == 200 and 'value="ALICE-1"' in moved.text
    assert "another decision answered or changed its review: root saved edits to it first, at " in moved.text
    assert form_of(moved.text)["interrupt_id"] != form["interrupt_id"]


async def test_a_refused_claim_is_answered_with_a_redirect_to_a_page_that_still_says_why(settings: Settings) -> None:
    # The refusal was the answer to the POST itself: reloading it claimed again (the browser's "resubmit?").
    async with serving(replace(settings, sweep_seconds=0)) as api:
        run_id = await waiting(api, "claim.txt", mismatch_invoice_text())
        await api.engine.assign_review(run_id, "ana")
        signed_in(api, "reviewer")
        form = form_of((await api.client.get(f"/review/runs/{run_id}")).text)
        typed = {**form, "field.order_number": "ALICE-1", "comment": "seen on the PO"}
        refused = await api.client.post(f"/review/runs/{run_id}/claim", data=typed)
        shown = await api.client.get(refused.headers["location"])
        again = await api.client.get(refused.headers["location"])  # a reload: the same page, nothing posted
        forged = await api.client.get(
            refused.headers["location"].replace("form_mark=", "form_mark=0"), follow_redirects=False
        )
        signed_in(api, "admin")  # another session: the mark is this reviewer's own
        elsewhere = await api.client.get(refused.headers["location"])
        assignee = (await api.engine.registry.get_run(run_id)).assignee

    assert refused.status_code == 303 and refused.headers["location"].startswith(f"/review/runs/{run_id}?")
    assert "ALICE-1" not in refused.headers["location"]  # carried compressed and signed, not spelled out
    assert assignee == "ana"
    for page in (shown, again):
        assert page.status_code == 409  # the page got says what the refusal said
        assert "Not claimed: the review is not yours." in page.text
        assert "is assigned to ana: only they (or a member of that group) may claim it" in page.text
        assert 'value="ALICE-1"' in page.text and 'value="seen on the PO"' in page.text
    for page in (forged, elsewhere):
        assert page.status_code == 200 and "Not claimed" not in page.text and "ALICE-1" not in page.text


async def test_a_claim_of_a_review_that_does_not_exist_redirects_to_its_page_saying_so(settings: Settings) -> None:
    async with serving(replace(settings, sweep_seconds=0)) as api:
        run_id = await waiting(api, "claim.txt", mismatch_invoice_text())
        signed_in(api, "reviewer")
        form = form_of((await api.client.get(f"/review/runs/{run_id}")).text)
        missing = await api.client.post("/review/runs/no such run/claim", data=form)
        shown = await api.client.get(missing.headers["location"])

    assert missing.status_code == 303 and missing.headers["location"] == "/review/runs/no%20such%20run"
    assert shown.status_code == 404 and "There is no run &#39;no such run&#39; for you." in shown.text
