"""Signing in to the review pages: the token in an HttpOnly, SameSite=Strict cookie, and a CSRF token per form.

The cookie holds the reviewer's API token itself, so the same token store decides (a revoked token signs its
holder out at the next request). Forms carry `HMAC(key, token)`: another site can neither read it nor make
it, and the cookie alone does not answer a form. The key is made when the app starts.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from fastapi import Request, Response

from claimflow.runtime.service.deps import Principal, authenticate

__all__ = [
    "COOKIE",
    "REVIEW_ROLES",
    "csrf_token",
    "csrf_valid",
    "flash_mark",
    "flash_mark_valid",
    "sign_in",
    "sign_out",
    "signed_in",
]

COOKIE = "claimflow_review"
REVIEW_ROLES = ("reviewer", "admin")
_KEY_ATTR = "review_csrf_key"


def _key(request: Request) -> bytes:
    key: bytes | None = getattr(request.app.state, _KEY_ATTR, None)
    if key is None:
        key = secrets.token_bytes(32)
        setattr(request.app.state, _KEY_ATTR, key)
    return key


def csrf_token(request: Request) -> str:
    """The CSRF token forms of this session carry."""
    token = request.cookies.get(COOKIE, "")
    return hmac.new(_key(request), token.encode(), hashlib.sha256).hexdigest()


def csrf_valid(request: Request, posted: str | None) -> bool:
    """Whether a posted CSRF token belongs to this session."""
    return bool(posted) and hmac.compare_digest(csrf_token(request), str(posted))


def flash_mark(request: Request, *said: str) -> str:
    """What a link to the page after a decision carries: `HMAC(key, session token and what it says)`.

    Only this app, answering this session's own form, can make it: a crafted link cannot make the page say a
    decision was taken that was not.
    """
    token = request.cookies.get(COOKIE, "")
    signed = "\x00".join(("flash", token, *said))
    return hmac.new(_key(request), signed.encode(), hashlib.sha256).hexdigest()


def flash_mark_valid(request: Request, mark: str | None, *said: str) -> bool:
    """Whether `mark` is the one `flash_mark` made for `said` in this session."""
    return bool(mark) and hmac.compare_digest(flash_mark(request, *said), str(mark))


async def signed_in(request: Request) -> Principal | None:
    """The reviewer whose token the session cookie holds, or None (no cookie, unknown or revoked token)."""
    return await authenticate(request.app.state.engine, request.cookies.get(COOKIE))


def sign_in(response: Response, token: str, *, secure: bool) -> None:
    """Keep the token in the session cookie: never readable by scripts, never sent by other sites' requests."""
    response.set_cookie(COOKIE, token, httponly=True, samesite="strict", secure=secure, path="/")


def sign_out(response: Response) -> None:
    """Forget the session cookie."""
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict")
