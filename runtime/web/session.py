"""Signing in to the review pages: the token in an HttpOnly, SameSite=Strict cookie, and a CSRF token per form.

The cookie holds the reviewer's API token itself, so the same token store decides (a revoked token signs its
holder out at the next request). Forms carry an HMAC keyed with that token: another site can neither read it
nor make it, and the cookie alone does not answer a form. The token is the only key, so a form loaded before
the server restarted (a deploy, a crash) still answers on the next server, or on another one sharing the
data: a key made when the app started would have refused every open form, and what it held, as expired.
"""

from __future__ import annotations

import hashlib
import hmac

from fastapi import Request, Response

from claimflow.runtime.service.deps import Principal, authenticate

__all__ = [
    "COOKIE",
    "REVIEW_ROLES",
    "csrf_token",
    "csrf_valid",
    "own_stale_form",
    "flash_mark",
    "flash_mark_valid",
    "sign_in",
    "sign_out",
    "signed_in",
]

COOKIE = "claimflow_review"
REVIEW_ROLES = ("reviewer", "admin")


def _signed(request: Request, *said: str) -> str:
    """`HMAC(session token, said)`: only a holder of the session's token (this app answering it) makes it.

    Empty without a session: nothing is vouched for, and an empty mark is never valid.
    """
    token = request.cookies.get(COOKIE, "")
    return hmac.new(token.encode(), "\x00".join(said).encode(), hashlib.sha256).hexdigest() if token else ""


def csrf_token(request: Request) -> str:
    """The CSRF token forms of this session carry."""
    return _signed(request, "claimflow review form")


def csrf_valid(request: Request, posted: str | None) -> bool:
    """Whether a posted CSRF token belongs to this session (there is none without the session's cookie)."""
    expected = csrf_token(request)
    return bool(expected) and bool(posted) and hmac.compare_digest(expected, str(posted))


def cross_site(request: Request) -> bool:
    """Whether the browser says the post comes from another site: the sign-in form has no session to carry a token.

    Without the check any site could sign a reviewer in under a token it chose (login CSRF), and the reviewer's
    decisions would go in that name. The browser's `Sec-Fetch-Site` says it (every current browser sends it to an
    https origin and to localhost); `none` is the reviewer's own doing (a bookmark). `Origin` is not compared with
    the request's host: behind a proxy that rewrites `Host` no sign-in would match. A client that sends no such
    header (curl, a script, a page over plain http) is let through, as before.
    """
    return request.headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none")


def own_stale_form(request: Request, posted_reviewer: str | None, reviewer: str) -> bool:
    """Whether a form refused for its CSRF token is still this reviewer's own, its token merely stale.

    A form loaded before its reviewer signed in again (a new token, the same name) carries the old session's
    token. Its typed values may go back on the page with the refusal when the browser says the post comes from
    this very origin (`Sec-Fetch-Site: same-origin`, or without that header an `Origin` naming this server) and
    the form names the signed-in reviewer: another site's post carries no session cookie (`SameSite=Strict`), a
    sibling site's or another port's is not `same-origin`, and another reviewer's tab in the same browser names
    someone else. Values never go back from a form that may not be the reviewer's, where they would be saved
    unread.
    """
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site is not None:
        same_origin = fetch_site == "same-origin"
    else:  # a browser sends no Sec-Fetch-Site over plain http: the Origin it sends on every POST says the same
        origin = request.headers.get("origin")
        same_origin = origin is not None and origin == f"{request.url.scheme}://{request.headers.get('host', '')}"
    return same_origin and posted_reviewer == reviewer


def flash_mark(request: Request, *said: str) -> str:
    """What a link to the page after a decision carries: `HMAC(session token, what it says)`.

    Only this app, answering this session's own form, can make it: a crafted link cannot make the page say a
    decision was taken that was not.
    """
    return _signed(request, "flash", *said)


def flash_mark_valid(request: Request, mark: str | None, *said: str) -> bool:
    """Whether `mark` is the one `flash_mark` made for `said` in this session."""
    expected = flash_mark(request, *said)
    return bool(expected) and bool(mark) and hmac.compare_digest(expected, str(mark))


async def signed_in(request: Request) -> Principal | None:
    """The reviewer whose token the session cookie holds, or None (no cookie, unknown or revoked token)."""
    return await authenticate(request.app.state.engine, request.cookies.get(COOKIE))


def sign_in(response: Response, token: str, *, secure: bool) -> None:
    """Keep the token in the session cookie: never readable by scripts, never sent by other sites' requests."""
    response.set_cookie(COOKIE, token, httponly=True, samesite="strict", secure=secure, path="/")


def sign_out(response: Response) -> None:
    """Forget the session cookie."""
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict")
