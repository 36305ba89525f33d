"""Signing in and out of the review pages, and the pages' own CSS and JavaScript."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response

from claimflow.runtime.service.deps import EngineDep, authenticate
from claimflow.runtime.web.render import REVIEW_BASE, static_file
from claimflow.runtime.web.reviewer import see_other
from claimflow.runtime.web.session import REVIEW_ROLES, cross_site, csrf_valid, sign_in, sign_out, signed_in
from claimflow.runtime.web.session_refusals import (
    ANOTHER_SITE,
    NOT_SIGNED_OUT,
    NOT_VALID,
    refusal_address,
    role_refusal,
)

__all__ = ["router"]

router = APIRouter(prefix=REVIEW_BASE, include_in_schema=False)


@router.get("/static/{name}")
async def static(name: str) -> Response:
    """The pages' CSS and JavaScript, from the installed package."""
    return static_file(name)


@router.post("/sign-in")
async def sign_in_form(request: Request, engine: EngineDep, token: Annotated[str, Form()] = "") -> Response:
    """Check a pasted token and keep it in the session cookie; a post from another site is refused."""
    # Every refusal is a redirect to the sign-in page, which says it: a reload there posts the token no more.
    if cross_site(request):
        return see_other(refusal_address(ANOTHER_SITE))
    principal = await authenticate(engine, token.strip())
    if principal is None:
        return see_other(refusal_address(NOT_VALID))
    if principal.role not in REVIEW_ROLES:  # signed in, every page would refuse it: said here, no session kept
        return see_other(refusal_address(role_refusal(principal.role)))
    response = see_other(REVIEW_BASE)
    sign_in(response, token.strip(), secure=request.url.scheme == "https")
    return response


@router.post("/sign-out")
async def sign_out_form(request: Request, csrf: Annotated[str, Form()] = "") -> Response:
    """Forget the session (the form's CSRF token must match: no other site signs a reviewer out)."""
    if not csrf_valid(request, csrf):  # answered by a redirect too: a reload of the answer posts nothing
        signed = await signed_in(request) is not None  # signed out already: the sign-in page is all there is to say
        return see_other(refusal_address(NOT_SIGNED_OUT) if signed else REVIEW_BASE)
    response = see_other(REVIEW_BASE)
    sign_out(response)
    return response
