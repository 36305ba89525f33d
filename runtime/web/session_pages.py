"""Signing in and out of the review pages, and the pages' own CSS and JavaScript."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response

from claimflow.runtime.service.deps import EngineDep, authenticate
from claimflow.runtime.web.render import REVIEW_BASE, html, static_file
from claimflow.runtime.web.reviewer import not_a_reviewer, page_context, see_other
from claimflow.runtime.web.session import REVIEW_ROLES, cross_site, csrf_valid, sign_in, sign_out

__all__ = ["router"]

router = APIRouter(prefix=REVIEW_BASE, include_in_schema=False)


@router.get("/static/{name}")
async def static(name: str) -> Response:
    """The pages' CSS and JavaScript, from the installed package."""
    return static_file(name)


@router.post("/sign-in")
async def sign_in_form(request: Request, engine: EngineDep, token: Annotated[str, Form()] = "") -> Response:
    """Check a pasted token and keep it in the session cookie; a post from another site is refused."""
    if cross_site(request):
        return html(
            "signin.html", 403, **page_context(request, None, error="Sign in from this page, not another site's.")
        )
    principal = await authenticate(engine, token.strip())
    if principal is None:
        return html(
            "signin.html", 401, **page_context(request, None, error="That token is not valid (or was revoked).")
        )
    if principal.role not in REVIEW_ROLES:  # signed in, every page would refuse it: said here, no session kept
        return html("signin.html", 403, **page_context(request, None, error=not_a_reviewer(principal)))
    response = see_other(REVIEW_BASE)
    sign_in(response, token.strip(), secure=request.url.scheme == "https")
    return response


@router.post("/sign-out")
async def sign_out_form(request: Request, csrf: Annotated[str, Form()] = "") -> Response:
    """Forget the session (the form's CSRF token must match: no other site signs a reviewer out)."""
    if not csrf_valid(request, csrf):
        return html(
            "message.html", 403, **page_context(request, None, heading="Expired form", text="Reload and try again.")
        )
    response = see_other(REVIEW_BASE)
    sign_out(response)
    return response
