"""Refused sign-ins and refused forms are answered by redirects, and what those carry cannot be forged.

A refusal answered in place is posted again when the reviewer reloads it. Answered by a redirect, the sign-in
page's address carries only the name of a fixed refusal (no session exists yet to sign anything), so a crafted
link can put no words of its own on the page, and the token never reaches an address.
"""

from __future__ import annotations

import re
from html import unescape

from claimflow.runtime.web.session import COOKIE
from tests.integration._docs import mismatch_invoice_text
from tests.service._api import Api
from tests.web.test_review_pages import form_of, signed_in, waiting


async def test_a_refused_sign_in_is_a_redirect_that_carries_neither_the_token_nor_the_holders_name(api: Api) -> None:
    submitter = await api.token("sam-the-sender", "submitter")
    for token in (submitter, "cf_not-a-token"):
        refused = await api.client.post("/review/sign-in", data={"token": token})
        assert refused.status_code == 303
        assert token not in refused.headers["location"]
        assert COOKIE not in refused.headers.get("set-cookie", "")

    role = await api.client.post("/review/sign-in", data={"token": submitter}, follow_redirects=True)
    assert role.status_code == 403 and "That token has the role submitter" in unescape(role.text)
    assert "sam-the-sender" not in role.text  # a link anyone can write must not name a token's holder

    # The address names a refusal, never says one: any other name shows the sign-in form alone.
    for crafted in (
        "Your account is locked: call 555-0100",
        "<b>x</b>",
        "role-reviewer",
        "role-admin",
        "not-signed-out",
    ):
        page = await api.client.get("/review", params={"refused": crafted})
        assert page.status_code == 401 and 'name="token"' in page.text
        assert 'class="error"' not in page.text, crafted
        assert "555-0100" not in page.text and "&lt;b&gt;" not in page.text


async def test_a_review_held_by_another_reviewer_offers_no_claim_and_says_who_holds_it(api: Api) -> None:
    run_id = await waiting(api, "held.txt", mismatch_invoice_text())
    assigned = await api.client.post(f"/v1/reviews/{run_id}/assign", json={"to": "ana"}, headers=api.auth("admin"))
    assert assigned.status_code == 200
    signed_in(api, "reviewer")
    screen = await api.client.get(f"/review/runs/{run_id}")
    claimed = await api.client.post(
        f"/review/runs/{run_id}/claim", data={"csrf": form_of(screen.text)["csrf"]}, follow_redirects=True
    )

    for page in (screen.text, claimed.text):
        text = " ".join(unescape(re.sub(r"<[^>]+>", "", page)).split())  # the page's words, as read
        assert 'id="claim-button"' not in page  # a claim would be refused: no button offers it
        assert "Held by ana: only they may claim or decide it. Ask an admin to assign it to you." in text
    assert claimed.status_code == 409 and "Not claimed: the review is not yours." in claimed.text
    signed_in(api, "admin")
    as_admin = " ".join(unescape(re.sub(r"<[^>]+>", "", (await api.client.get(f"/review/runs/{run_id}")).text)).split())
    assert "As an admin you may decide it all the same." in as_admin


async def test_a_form_posted_once_signed_out_is_a_redirect_to_the_reviews_page_which_asks_to_sign_in(
    api: Api,
) -> None:
    run_id = await waiting(api, "late.txt", mismatch_invoice_text())
    signed_in(api, "reviewer")
    form = form_of((await api.client.get(f"/review/runs/{run_id}")).text)
    api.client.cookies.clear()  # signed out meanwhile (the token revoked, the cookie gone)

    for url in (f"/review/runs/{run_id}", f"/review/runs/{run_id}/claim"):
        posted = await api.client.post(url, data={**form, "action": "approve"})
        assert posted.status_code == 303 and posted.headers["location"] == f"/review/runs/{run_id}", url
        page = await api.client.get(posted.headers["location"])
        assert page.status_code == 401 and 'name="token"' in page.text  # sign in, then open the review again
    assert (await api.engine.registry.get_run(run_id)).status == "needs_review"
