"""The review pages through the real app (lifespan, engine, worker pool) over HTTP: sign-in, who sees what,
CSRF, decisions through the engine, escaping of document text, and the page image endpoint."""

from __future__ import annotations

import asyncio
import io
import random
import re
from html import unescape
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
from PIL import Image

from claimflow.runtime.web.carried import MAX_CARRIED_CHARS
from claimflow.runtime.web.session import COOKIE
from claimflow.state.review import ReviewDecision
from tests.integration._docs import mismatch_invoice_text, text_pdf
from tests.service._api import Api

NDA = (
    "MUTUAL NON-DISCLOSURE AGREEMENT\n"
    "This Agreement is entered into as of June 3, 2024 by and between Bluefin Analytics, Inc. and Cedar Ridge "
    "Robotics LLC.\nThis Agreement shall be governed by the laws of the State of Colorado.\n"
    "This Agreement continues for a term of two (2) years.\n"
)
HOSTILE = "MEMO\n<script>alert('memo')</script>\n<img src=x onerror=alert(1)>\nThe garage is closed next weekend.\n"


def html_text(page: str) -> str:
    """A page's text as a reader sees it: entities read, whitespace collapsed."""
    return " ".join(unescape(page).split())


async def waiting(api: Api, name: str, content: str | bytes) -> str:
    view = await api.processed(name, content)
    assert view["status"] == "needs_review", view
    return str(view["run_id"])


def signed_in(api: Api, who: str) -> None:
    api.client.cookies.set(COOKIE, api.tokens[who])


def form_of(page: str) -> dict[str, str]:
    """The hidden inputs of the review form (CSRF token, review id) and each field's shown value."""
    found = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))
    return {key: value for key, value in found.items()}


async def answered_page(api: Api, url: str, data: dict[str, str]) -> httpx.Response:
    """A form posted as the browser posts it, and the page its answer (a redirect) leads to, where a refusal is said."""
    return await api.client.post(url, data=data, follow_redirects=True)


async def review_form(api: Api) -> tuple[str, dict[str, str]]:
    """A paused invoice's run id, and its review form as the page shows it to a signed-in reviewer."""
    run_id = await waiting(api, "invoice.pdf", text_pdf(mismatch_invoice_text()))
    signed_in(api, "reviewer")
    return run_id, form_of((await api.client.get(f"/review/runs/{run_id}")).text)


def card_of(page: str, name: str) -> str:
    """The field card of `name` on a review page: from its element to the next field's."""
    card = page[page.index(f'id="f-{name}"') :]
    return card[: card.index('id="f-', 10)] if 'id="f-' in card[10:] else card


async def status(api: Api, run_id: str) -> dict[str, Any]:
    return dict((await api.client.get(f"/v1/runs/{run_id}", headers=api.auth("admin"))).json())


async def test_the_pages_ask_for_a_token_and_keep_a_good_one_in_a_strict_http_only_cookie(api: Api) -> None:
    first = await api.client.get("/review")
    assert first.status_code == 401
    assert 'name="token"' in first.text
    refused = await api.client.post("/review/sign-in", data={"token": "cf_not-a-token"})
    assert refused.status_code == 303  # a redirect: reloading the refusal posts the token no more
    assert "cf_not-a-token" not in refused.headers["location"]
    said = await api.client.get(refused.headers["location"])
    assert said.status_code == 401
    assert "not valid" in said.text and 'name="token"' in said.text
    accepted = await api.client.post("/review/sign-in", data={"token": api.tokens["reviewer"]})
    assert accepted.status_code == 303
    cookie = accepted.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}=") and "HttpOnly" in cookie and "SameSite=strict" in cookie
    queue = await api.client.get("/review")
    assert queue.status_code == 200
    assert "Waiting for review" in queue.text
    assert "script-src 'self'" in queue.headers["content-security-policy"]


async def test_a_value_holding_a_replacement_character_is_text_like_any_other(api: Api) -> None:
    # U+FFFD is in stored values (text decoded with replacement, a PDF's unmapped glyphs): the page sends it back
    # in its own form, as UTF-8, and a decision on such a run must go through.
    invoice, form = await review_form(api)

    done = await api.client.post(
        f"/review/runs/{invoice}", data={**form, "action": "reject", "reason": "unreadable \ufffd glyphs"}
    )

    assert done.status_code == 303, done.text
    assert "unreadable \ufffd glyphs" in (await status(api, invoice))["error"]


async def test_a_sign_in_posted_from_another_site_is_refused_and_keeps_no_session(api: Api) -> None:
    # The sign-in form has no session to carry a CSRF token: any site could sign a reviewer in under its own token.
    for headers in ({"sec-fetch-site": "cross-site"}, {"sec-fetch-site": "same-site"}):
        refused = await api.client.post("/review/sign-in", data={"token": api.tokens["reviewer"]}, headers=headers)
        assert refused.status_code == 303, headers
        assert "set-cookie" not in refused.headers
        said = await api.client.get(refused.headers["location"])
        assert said.status_code == 403 and "Sign in from this page" in said.text
    # Its own page, a bookmark, and a client that says nothing (behind a proxy that rewrites Host too).
    for headers in ({"sec-fetch-site": "same-origin"}, {"sec-fetch-site": "none"}, {"host": "127.0.0.1:8000"}, {}):
        accepted = await api.client.post("/review/sign-in", data={"token": api.tokens["reviewer"]}, headers=headers)
        assert accepted.status_code == 303, headers


async def test_a_submitter_session_may_not_review(api: Api) -> None:
    signed_in(api, "submitter")
    page = await api.client.get("/review")
    assert page.status_code == 403
    assert "reviewing needs reviewer or admin" in page.text


async def test_a_submitter_token_is_refused_at_sign_in_and_no_session_is_kept(api: Api) -> None:
    refused = await api.client.post("/review/sign-in", data={"token": api.tokens["submitter"]})
    assert refused.status_code == 303
    assert "set-cookie" not in refused.headers
    said = await api.client.get(refused.headers["location"])
    assert said.status_code == 403
    assert "has the role submitter; reviewing needs reviewer or admin" in said.text
    assert 'name="token"' in said.text  # the form again, for a reviewer's token


async def test_a_reviewer_limited_to_contracts_sees_and_decides_only_contracts(api: Api) -> None:
    invoice = await waiting(api, "invoice.pdf", text_pdf(mismatch_invoice_text()))
    contract = await waiting(api, "nda.txt", NDA)
    await api.token("carla", "reviewer", ["contract"])
    signed_in(api, "carla")
    queue = (await api.client.get("/review")).text
    assert "nda.txt" in queue and "invoice.pdf" not in queue
    assert (await api.client.get(f"/review/runs/{contract}")).status_code == 200
    hidden = await api.client.get(f"/review/runs/{invoice}")
    assert hidden.status_code == 404
    assert "invoice.pdf" not in hidden.text
    csrf = form_of((await api.client.get(f"/review/runs/{contract}")).text)["csrf"]
    denied = await answered_page(api, f"/review/runs/{invoice}", data={"csrf": csrf, "action": "approve"})
    assert denied.status_code == 404
    assert (await status(api, invoice))["status"] == "needs_review"
    image = await api.client.get(f"/v1/documents/{invoice}/pages/1", headers=api.auth("carla"))
    assert image.status_code == 404


async def test_a_reviewer_limited_to_invoices_may_not_move_one_to_another_type(api: Api) -> None:
    invoice = await waiting(api, "invoice.pdf", text_pdf(mismatch_invoice_text()))
    await api.token("ivy", "reviewer", ["invoice"])
    signed_in(api, "ivy")
    form = form_of((await api.client.get(f"/review/runs/{invoice}")).text)

    moved = await answered_page(api, f"/review/runs/{invoice}", data={**form, "action": "edit", "doc_type": "receipt"})

    assert moved.status_code == 422
    assert "may review only invoice, not &#39;receipt&#39;" in moved.text
    assert (await status(api, invoice))["doc_type"] == "invoice"
    again = form_of((await api.client.get(f"/review/runs/{invoice}")).text)
    assert again["interrupt_id"] == form["interrupt_id"]
    assert await api.engine.registry.decisions(invoice) == []


async def test_a_control_character_in_a_forms_comment_is_refused_and_the_run_waits(api: Api) -> None:
    invoice, form = await review_form(api)

    refused = await answered_page(
        api, f"/review/runs/{invoice}", data={**form, "action": "approve", "comment": "fine\x00by me"}
    )

    assert refused.status_code == 422
    assert "U+0000" in refused.text
    assert (await status(api, invoice))["status"] == "needs_review"
    assert await api.engine.registry.decisions(invoice) == []


async def test_a_forms_text_over_its_cap_is_refused_by_what_it_is_and_the_run_waits(api: Api) -> None:
    invoice, form = await review_form(api)

    reason = await answered_page(
        api, f"/review/runs/{invoice}", data={**form, "action": "reject", "reason": "r" * 5001}
    )
    value = await answered_page(
        api, f"/review/runs/{invoice}", data={**form, "action": "edit", "field.total_amount": "1" * 2001}
    )

    assert reason.status_code == 422 and "reason: String should have at most 5000 characters" in reason.text
    assert value.status_code == 422 and "String should have at most 2000 characters" in value.text
    assert (await status(api, invoice))["status"] == "needs_review"
    assert await api.engine.registry.decisions(invoice) == []


async def test_an_amount_of_more_digits_than_an_amount_has_is_shown_by_its_field_and_the_run_waits(api: Api) -> None:
    invoice, form = await review_form(api)

    refused = await answered_page(
        api,
        f"/review/runs/{invoice}",
        data={**form, "action": "edit", "field.total_amount": "123456789012345678901234567"},
    )

    assert refused.status_code == 422
    assert "an amount has at most 18 whole digits" in refused.text
    assert (await status(api, invoice))["status"] == "needs_review"


async def test_a_run_id_with_a_control_character_is_no_such_review(api: Api) -> None:
    invoice = await waiting(api, "invoice.pdf", text_pdf(mismatch_invoice_text()))
    signed_in(api, "reviewer")

    page = await api.client.get(f"/review/runs/{invoice}%00")

    assert page.status_code == 404 and "No such review" in page.text


async def test_a_decision_without_this_sessions_csrf_token_is_refused_and_the_run_waits(api: Api) -> None:
    run_id = await waiting(api, "invoice.pdf", text_pdf(mismatch_invoice_text()))
    signed_in(api, "admin")
    admins = form_of((await api.client.get(f"/review/runs/{run_id}")).text)["csrf"]
    signed_in(api, "reviewer")
    for posted in ({"action": "approve"}, {"action": "approve", "csrf": admins}):
        assert (await api.client.post(f"/review/runs/{run_id}", data=posted)).status_code == 303  # never in place
        refused = await answered_page(api, f"/review/runs/{run_id}", data=posted)
        assert refused.status_code == 403
        assert "the form was not this session&#39;s" in refused.text
    assert (await status(api, run_id))["status"] == "needs_review"


async def test_a_rejection_needs_a_reason_then_ends_the_run_in_the_reviewers_name(api: Api) -> None:
    run_id, form = await review_form(api)
    bare = await answered_page(api, f"/review/runs/{run_id}", data={**form, "action": "reject"})
    assert bare.status_code == 422
    assert "a rejection needs a reason" in bare.text
    assert (await status(api, run_id))["status"] == "needs_review"
    done = await api.client.post(f"/review/runs/{run_id}", data={**form, "action": "reject", "reason": "a copy"})
    assert done.status_code == 303
    view = await status(api, run_id)
    assert view["status"] == "failed"
    assert "rejected in review by reviewer: a copy" in view["error"]


async def test_the_note_after_a_rejection_says_it_once(api: Api) -> None:
    # It said `Rejected invoice.pdf: it is rejected.`
    run_id, form = await review_form(api)
    done = await api.client.post(f"/review/runs/{run_id}", data={**form, "action": "reject", "reason": "a copy"})
    page = await api.client.get(done.headers["location"])

    assert re.findall(r'<div class="flash ok" role="status"[^>]*>([^<]*)</div>', page.text) == ["Rejected invoice.pdf."]


async def test_an_edit_is_checked_then_applied_through_the_engine(api: Api) -> None:
    run_id, form = await review_form(api)
    assert form["was.total_amount"] == "190.00"
    bad = await answered_page(
        api, f"/review/runs/{run_id}", data={**form, "action": "edit", "field.total_amount": "lots"}
    )
    assert bad.status_code == 422
    # The message stands in the total's card, and the reviewer's text is shown again to be corrected.
    card = card_of(bad.text, "total_amount")
    assert "cannot be read as an amount" in card and 'value="lots"' in card
    assert (await status(api, run_id))["status"] == "needs_review"
    good = await api.client.post(
        f"/review/runs/{run_id}", data={**form, "action": "edit", "field.total_amount": "180.00"}
    )
    assert good.status_code == 303 and "done=edit" in good.headers["location"]
    view = await status(api, run_id)
    assert view["status"] == "completed"
    assert view["fields"]["total_amount"]["value"] == "180.00"
    events = (await api.client.get(f"/v1/runs/{run_id}/events", headers=api.auth("admin"))).json()
    decided = [e["data"] for e in events if e["type"] == "review.decided"]
    assert [(d["reviewer"], d["action"], d["edits"]) for d in decided] == [
        ("reviewer", "edit", {"total_amount": ["180.00"]})
    ]


async def test_the_page_says_what_an_edit_of_the_total_also_sets_before_the_reviewer_decides(api: Api) -> None:
    # The invoice prints only its total: what is due was read from the total's line, and follows its correction.
    run_id = await waiting(api, "invoice.pdf", text_pdf(mismatch_invoice_text()))
    signed_in(api, "reviewer")
    page = (await api.client.get(f"/review/runs/{run_id}")).text
    assert "Read from the line of total amount: a new value of total amount is given to this too" in card_of(
        page, "amount_due"
    )
    assert "A new value here is given to amount due too (read from this line), unless you edit it as well." in card_of(
        page, "total_amount"
    )
    assert "Read from the line of" not in card_of(page, "total_amount")
    assert "is given to" not in card_of(page, "net_amount")
    form = form_of(page)
    assert form["was.amount_due"] == "190.00"

    edit = {**form, "action": "edit", "field.total_amount": "180.00"}

    done = await api.client.post(f"/review/runs/{run_id}", data=edit)

    assert done.status_code == 303
    due = (await status(api, run_id))["fields"]["amount_due"]
    assert (due["value"], due["status"]) == ("180.00", "edited")


async def test_document_text_and_names_are_escaped_everywhere(api: Api) -> None:
    run_id = await waiting(api, "<b onmouseover=alert(2)>memo.txt", HOSTILE)
    signed_in(api, "reviewer")
    for page in ((await api.client.get("/review")).text, (await api.client.get(f"/review/runs/{run_id}")).text):
        assert "<b onmouseover" not in page
        assert "<script>alert" not in page and "<img src=x" not in page
    screen = (await api.client.get(f"/review/runs/{run_id}")).text
    assert "&lt;script&gt;alert(&#39;memo&#39;)&lt;/script&gt;" in screen  # the memo's text, shown as text
    assert "&lt;b onmouseover=alert(2)&gt;memo.txt" in screen


async def test_page_images_are_png_for_a_token_or_the_session_and_none_for_text(api: Api) -> None:
    invoice = await waiting(api, "invoice.pdf", text_pdf(mismatch_invoice_text()))
    contract = await waiting(api, "nda.txt", NDA)
    anonymous = await api.client.get(f"/v1/documents/{invoice}/pages/1")
    assert anonymous.status_code == 401
    image = await api.client.get(f"/v1/documents/{invoice}/pages/1", headers=api.auth("reviewer"))
    assert image.status_code == 200 and image.headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(image.content)).size == (1191, 1684)  # A4 at 144 dpi
    signed_in(api, "reviewer")
    assert (await api.client.get(f"/v1/documents/{invoice}/pages/1")).content == image.content
    assert (await api.client.get(f"/v1/documents/{invoice}/pages/2")).status_code == 404
    text = await api.client.get(f"/v1/documents/{contract}/pages/1")
    assert text.status_code == 404 and "no page images" in text.json()["message"]


async def test_static_files_come_from_the_package_and_nothing_else_is_served(api: Api) -> None:
    css = await api.client.get("/review/static/review.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert (await api.client.get("/review/static/review.js")).status_code == 200
    assert (await api.client.get("/review/static/..%2Fforms.py")).status_code == 404
    assert (await api.client.get("/review/static/base.html")).status_code == 404


async def test_signing_out_needs_the_forms_token_and_forgets_the_cookie(api: Api) -> None:
    signed_in(api, "reviewer")
    page = (await api.client.get("/review")).text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page)
    assert csrf
    stale = await api.client.post("/review/sign-out", data={})
    assert stale.status_code == 303 and "set-cookie" not in stale.headers
    said = await api.client.get(stale.headers["location"])  # still signed in: the queue says why
    assert "Waiting for review" in said.text and "Not signed out" in html_text(said.text)
    out = await api.client.post("/review/sign-out", data={"csrf": csrf.group(1)})
    assert out.status_code == 303
    assert f'{COOKIE}=""' in out.headers["set-cookie"] or "Max-Age=0" in out.headers["set-cookie"]


async def test_a_document_of_unknown_type_is_given_its_type_and_read_again(api: Api) -> None:
    run_id = await waiting(api, "memo.txt", "MEMO\nTo: All staff\nThe garage is closed next weekend.\n")
    signed_in(api, "reviewer")
    page = (await api.client.get(f"/review/runs/{run_id}")).text
    assert '<select id="doc_type" name="doc_type"' in page
    form = form_of(page)
    unchosen = await answered_page(api, f"/review/runs/{run_id}", data={**form, "action": "edit", "doc_type": ""})
    assert unchosen.status_code == 422 and "choose the document type before saving edits" in unchosen.text
    chosen = await api.client.post(f"/review/runs/{run_id}", data={**form, "action": "edit", "doc_type": "receipt"})
    assert chosen.status_code == 303
    view = await api.settled(run_id)
    assert view["doc_type"] == "receipt"
    events = (await api.client.get(f"/v1/runs/{run_id}/events", headers=api.auth("admin"))).json()
    assert [e["data"]["doc_type"] for e in events if e["type"] == "review.decided"] == ["receipt"]


async def test_a_revoked_token_is_signed_out_at_its_next_request(api: Api) -> None:
    signed_in(api, "reviewer")
    assert (await api.client.get("/review")).status_code == 200
    assert await api.engine.revoke_token("reviewer")
    page = await api.client.get("/review")
    assert page.status_code == 401 and 'name="token"' in page.text


async def test_a_double_submitted_form_decides_once_and_the_second_post_is_told_so(api: Api) -> None:
    # A double click (or two tabs) posts twice to the same server: one decision applies, the other is refused.
    run_id, form = await review_form(api)

    posts = await asyncio.gather(
        api.client.post(f"/review/runs/{run_id}", data={**form, "action": "edit", "field.total_amount": "180.00"}),
        api.client.post(f"/review/runs/{run_id}", data={**form, "action": "reject", "reason": "a copy"}),
    )

    assert [post.status_code for post in posts] == [303, 303]  # each answered with a page to get
    pages = [await api.client.get(post.headers["location"]) for post in posts]
    assert sorted(page.status_code for page in pages) == [200, 409]
    events = (await api.client.get(f"/v1/runs/{run_id}/events", headers=api.auth("admin"))).json()
    assert len([e for e in events if e["type"] == "review.decided"]) == 1
    refused = next(page for page in pages if page.status_code == 409)
    assert "no longer waits for review" in refused.text


async def test_a_stale_form_is_told_to_reload_the_review_not_to_run_a_command(api: Api) -> None:
    run_id, form = await review_form(api)

    stale = await answered_page(
        api, f"/review/runs/{run_id}", data={**form, "interrupt_id": "an-earlier-review", "action": "approve"}
    )

    await api.engine.assign_review(run_id, "kim")
    elsewhere = await answered_page(api, f"/review/runs/{run_id}", data={**form, "action": "reject", "reason": "x"})

    assert stale.status_code == 409
    assert "the fields below show the review as it is now, with what you typed; look at them again and decide" in (
        stale.text
    )
    assert elsewhere.status_code == 409
    assert "this review is assigned to kim: only they (or a member of that group) may decide it; an admin can" in (
        elsewhere.text
    )
    assert "claimflow review" not in stale.text
    assert (await status(api, run_id))["status"] == "needs_review"


async def test_a_form_answering_a_review_another_edit_replaced_names_that_edit(api: Api) -> None:
    # The page comes back with the new review's id and what this reviewer typed: one more click would set it over
    # the other reviewer's edit. It said only "the run has moved on"; it names the edit now.
    run_id, form = await review_form(api)
    first = ReviewDecision(reviewer="root", action="edit", edits={"order_number": ["ROOT-1"]})
    await api.engine.decide(run_id, first, interrupt_id=form["interrupt_id"], any_assignee=True)
    assert (await status(api, run_id))["status"] == "needs_review"  # the mismatch still stands: a new review

    late = await answered_page(
        api, f"/review/runs/{run_id}", data={**form, "action": "edit", "field.order_number": "ALICE-1"}
    )

    assert late.status_code == 409
    page = html_text(late.text)
    assert "another decision answered or changed its review: root saved edits to it first, at " in page
    assert "(order_number = ROOT-1)" in page
    assert 'value="ALICE-1"' in late.text  # what was typed is kept, for the reviewer to weigh
    assert form_of(late.text)["interrupt_id"] != form["interrupt_id"]


async def test_approving_with_a_changed_field_is_refused_saying_so_and_the_run_waits(api: Api) -> None:
    invoice, form = await review_form(api)

    refused = await answered_page(
        api, f"/review/runs/{invoice}", data={**form, "action": "approve", "field.total_amount": "999.00"}
    )

    assert refused.status_code == 422
    assert "you changed total_amount: save edits to keep the change, or undo it to approve" in refused.text
    assert 'value="999.00"' in refused.text  # the change is still there, to save or undo
    assert (await status(api, invoice))["status"] == "needs_review"
    assert await api.engine.registry.decisions(invoice) == []


async def test_a_form_that_names_no_review_is_refused_and_the_run_waits(api: Api) -> None:
    invoice, form = await review_form(api)
    del form["interrupt_id"]

    refused = await answered_page(api, f"/review/runs/{invoice}", data={**form, "action": "approve"})

    assert refused.status_code == 422
    assert "the form names no review (interrupt_id)" in refused.text
    assert (await status(api, invoice))["status"] == "needs_review"
    assert await api.engine.registry.decisions(invoice) == []


async def test_a_review_whose_run_was_run_again_leads_to_the_new_run(api: Api) -> None:
    run_id, form = await review_form(api)
    rerun = await api.client.post(f"/v1/runs/{run_id}/rerun", headers=api.auth("submitter"))
    assert rerun.status_code == 201, rerun.text
    new = rerun.json()["run_id"]
    assert (await api.settled(new))["status"] == "needs_review"

    page = await api.client.get(f"/review/runs/{run_id}")
    late = await answered_page(api, f"/review/runs/{run_id}", data={**form, "action": "reject", "reason": "a copy"})

    assert page.status_code == 200 and "Nothing to decide" in page.text
    assert f"invoice.pdf was run again as run {new[:12]}: this run no longer waits for review." in page.text
    assert f'id="message-link" href="/review/runs/{new}"' in page.text
    assert late.status_code == 409 and f'href="/review/runs/{new}"' in late.text  # the form sent too late: no decision
    assert (await status(api, run_id))["status"] == "failed"
    assert (await api.client.get(f"/review/runs/{new}")).status_code == 200  # the new run's review opens


async def test_a_form_carrying_a_file_a_field_twice_or_bytes_not_utf8_is_refused_and_nothing_is_decided(
    api: Api,
) -> None:
    # A file posted as `reason` was read as its description (`UploadFile(filename=...)`) and the run rejected
    # with it; a field given twice took its last value. The page's own form sends each field once, as text.
    invoice, form = await review_form(api)

    with_a_file = await api.client.post(
        f"/review/runs/{invoice}",
        data={**form, "action": "reject"},
        files={"reason": ("trunc.pdf", b"%PDF-1.4 truncated", "application/pdf")},
    )
    twice = await api.client.post(
        f"/review/runs/{invoice}",
        content=urlencode([*form.items(), ("action", "edit"), ("field.vendor_name", "A"), ("field.vendor_name", "B")]),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )

    encoded = urlencode([*form.items(), ("action", "edit")]).encode()
    not_utf8 = [
        await api.client.post(
            f"/review/runs/{invoice}",
            content=encoded + tail,
            headers={"content-type": "application/x-www-form-urlencoded"},
        )
        for tail in (b"&field.vendor_name=%ff%fe", b"&field.vendor_name=\xff\xfe")  # percent-encoded, and raw
    ]

    for refused in (with_a_file, twice, *not_utf8):
        assert refused.status_code == 303  # answered by a redirect: a reload of the refusal posts nothing again
        said = await api.client.get(refused.headers["location"])
        assert said.status_code == 400
        assert "was not sent as the review page sends it" in said.text
    assert (await status(api, invoice))["status"] == "needs_review"
    assert await api.engine.registry.decisions(invoice) == []


async def test_a_refusal_is_carried_by_a_redirect_whose_address_holds_nothing_that_was_typed(api: Api) -> None:
    # Answered in place, a reload of the refusal posted the decision again. Carried in the address itself, what was
    # typed (a value, a comment) went into the browser's history and the server's access log: the address holds
    # only a random name, the server keeps the form under it. Too long to keep, a form is answered in place still,
    # rather than lose what was typed.
    run_id, form = await review_form(api)
    changed = {**form, "action": "approve", "field.total_amount": "180.00"}
    short = await api.client.post(f"/review/runs/{run_id}", data={**changed, "comment": "checked"})
    shown = await api.client.get(short.headers["location"])
    again = await api.client.get(short.headers["location"])  # a reload shows it again
    # Text that hardly compresses: 4,000 characters drawn from 2,000 CJK ones (a seeded draw, the same every run).
    draw = random.Random(7)
    long_comment = "".join(chr(0x4E00 + draw.randrange(2000)) for _ in range(4000))
    long = await api.client.post(f"/review/runs/{run_id}", data={**changed, "comment": long_comment})
    longer_comment = "x" * (MAX_CARRIED_CHARS + 1)
    too_long = await api.client.post(f"/review/runs/{run_id}", data={**changed, "comment": longer_comment})

    assert short.status_code == 303 and short.headers["location"].startswith(f"/review/runs/{run_id}?form=")
    for page in (shown, again):
        assert page.status_code == 422 and "you changed total_amount" in unescape(page.text)
        assert 'value="checked"' in page.text and 'value="180.00"' in page.text
    assert long.status_code == 303
    carried_name = parse_qs(urlsplit(long.headers["location"]).query)["form"]
    assert [len(name) for name in carried_name] == [24], "the address carries more than a name"
    long_shown = await api.client.get(long.headers["location"])
    assert long_shown.status_code == 422 and long_comment in long_shown.text
    assert too_long.status_code == 422 and longer_comment in too_long.text
