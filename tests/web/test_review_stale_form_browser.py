"""A review form refused for its CSRF token, in headless Chromium against `claimflow serve`.

A reviewer types on a review, then signs in again in another tab (with a new token of theirs, as after their old
one was revoked): the open form's CSRF token belongs to the session that ended, and is refused. What they typed
must come back with the refusal, not be lost. A form another origin posts with the reviewer's cookie (a page on
another port of the same host is the same site, so `SameSite=Strict` sends the cookie) carries nothing back.
"""

from __future__ import annotations

import contextlib
import http.server
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration._docs import run_cli
from tests.web._browser import invoice_review, token

pytestmark = pytest.mark.slow


@contextlib.contextmanager
def other_origin(page_html: str) -> Iterator[str]:
    """A page served from another port of 127.0.0.1 (another origin, the same site): yields its address."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
            body = page_html.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def test_a_form_from_before_signing_in_again_comes_back_with_what_was_typed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with invoice_review(tmp_path, monkeypatch) as review:
        from playwright.sync_api import expect

        page = review.page
        page.click("#f-total_amount .edit-toggle")
        page.fill("input[name='field.total_amount']", "180.00")
        page.fill("#comment", "total read from the wrong line")

        # kim's token is revoked and a new one made; kim signs in with it (as from another tab: the browser's
        # cookies): the open form's session has ended, its CSRF token is the old session's.
        assert run_cli("token", "revoke", "kim", "--data-dir", review.data).returncode == 0
        again = token(review.data, "kim", "reviewer")
        signed = page.context.request.post(f"{review.base}/review/sign-in", form={"token": again}, max_redirects=0)
        assert signed.status == 303, signed.text()

        page.click("#save")
        page.wait_for_load_state("load")
        expect(page.locator(".problems")).to_contain_text("loaded before you last signed in")
        expect(page.locator(".problems")).to_contain_text("nothing of it was recorded")
        expect(page.locator("input[name='field.total_amount']")).to_have_value("180.00")
        expect(page.locator("#f-total_amount")).to_have_class(re.compile(r"\bediting\b"))
        expect(page.locator("#comment")).to_have_value("total read from the wrong line")

        # Sent again from the page it came back on, it saves.
        page.click("#save")
        page.wait_for_load_state("load")
        expect(page.locator(".flash")).to_contain_text("Saved edits to invoice.txt")


def test_a_form_another_origin_posts_carries_nothing_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with invoice_review(tmp_path, monkeypatch) as review:
        from playwright.sync_api import expect

        page = review.page
        forged = (
            f'<form method="post" action="{review.base}/review/runs/{review.run_id}">'
            '<input name="csrf" value="0"><input name="reviewer" value="kim"><input name="action" value="edit">'
            '<input name="field.total_amount" value="1.00"><input name="was.total_amount" value="190.00">'
            '<input name="comment" value="typed by another page"><button id="send">send</button></form>'
        )
        with other_origin(forged) as address:
            page.goto(address)
            page.click("#send")
            page.wait_for_url(f"{review.base}/review/runs/**")
        page.wait_for_load_state("load")
        expect(page.locator(".problems")).to_contain_text("not this session's")
        expect(page.locator("input[name='field.total_amount']")).to_have_value("190.00")
        expect(page.locator("#comment")).to_have_value("")
