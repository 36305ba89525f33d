"""`GET /v1/documents/{run}/pages/{n}`: a page of a run's document as PNG, for API clients and the review page."""

from __future__ import annotations

import hashlib
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Request, Response

from claimflow.runtime.ingest.errors import IngestError
from claimflow.runtime.pages import NoPageImageError, NoSuchPageError
from claimflow.runtime.registry import READ_ROLES, RunNotFoundError
from claimflow.runtime.service.deps import (
    ROLE_REFUSED,
    EngineDep,
    Principal,
    authenticate,
    role_refusal,
    unauthenticated,
    visible_run,
)
from claimflow.runtime.service.said import said_as
from claimflow.runtime.web.page_cache import PageCache
from claimflow.runtime.web.session import COOKIE

__all__ = ["page_cache", "router"]

router = APIRouter()


def page_cache(request: Request) -> PageCache:
    """The app's page cache, made when first needed."""
    engine = request.app.state.engine
    found: PageCache | None = getattr(request.app.state, "review_pages", None)
    if found is None:
        found = request.app.state.review_pages = PageCache(engine.store, engine.limits)
    return found


def _held(if_none_match: str, tag: str) -> bool:
    """Whether an `If-None-Match` header names the entity tag `tag`: `*`, or the tag in its list, weak or not.

    The comparison is the weak one RFC 9110 (13.1.2) asks of `If-None-Match`: `W/"x"` matches `"x"`, as a proxy or
    a cache that weakened the tag sends it back.
    """
    sent = [part.strip() for part in if_none_match.split(",")]
    return "*" in sent or tag.removeprefix("W/") in (part.removeprefix("W/") for part in sent)


async def _caller(request: Request, engine: EngineDep) -> Principal:
    """The bearer token of an API client, or the review page's session cookie."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    raw = token.strip() if scheme.lower() == "bearer" else request.cookies.get(COOKIE)
    principal = await authenticate(engine, raw)
    if principal is None:  # the 401 of every other route: a token missing is told apart from one refused
        raise unauthenticated(bool(raw))
    if (refused := role_refusal(principal, READ_ROLES)) is not None:  # a monitor's token reads no document
        raise refused
    return principal


Caller = Annotated[Principal, Depends(_caller)]
"""The caller, known before the path is read: a page number refused (422) tells nothing to a caller without a token."""

PageNumber = Annotated[
    int,
    Path(ge=1, description="The page, counting from 1."),
    said_as("a page number", "pages count from 1 (send 1 for the first page)"),
]
"""A page number in a path: a whole number from 1; another is the request's fault (422), not a page not found."""


@router.get(
    "/v1/documents/{run_id}/pages/{number}",
    responses={
        200: {"content": {"image/png": {}}, "description": "The page as PNG."},
        304: {"description": "Not modified: `If-None-Match` names the image's `ETag`; no body."},
        **ROLE_REFUSED,
    },
    response_class=Response,
)
async def page_image(
    run_id: str, number: PageNumber, request: Request, engine: EngineDep, principal: Caller
) -> Response:
    """The page as an image: PDFs rendered at 144 dpi, photos and scans upright as stored.

    Text and HTML documents have no page images (404; their text is in the run). A token of any role but monitor
    may read the pages of runs it may see.
    """
    try:
        row = await visible_run(engine, principal, run_id)
    except RunNotFoundError:
        raise HTTPException(404, f"no run {run_id!r}") from None
    if await engine.registry.erased_runs([row.run_id]):
        # Erased by this server or by another process (`claimflow erase`): what this server kept of its pages goes.
        await page_cache(request).forget(row.document_id)
        raise HTTPException(404, f"run {row.run_id} was erased: its document is no longer stored")
    state = await engine.state(row.run_id)
    if state is None or state.text is None:
        # A failed run never gets pages: "yet" would have a client wait for pages that never come.
        if row.status == "failed":
            raise HTTPException(404, f"run {row.run_id} failed and has no parsed pages")
        raise HTTPException(404, f"run {row.run_id} has no parsed pages yet")
    source = await engine.store.load_text(state.text)
    if not 1 <= number <= len(source.pages):
        raise HTTPException(404, f"the document has {len(source.pages)} page(s); there is no page {number}")
    try:
        layout = await page_cache(request).layout(state.document, number, source.page(number))
    except (NoPageImageError, NoSuchPageError) as error:
        raise HTTPException(404, str(error)) from None
    except IngestError as error:
        raise HTTPException(422, f"the page cannot be shown: {error}") from None
    # Kept by the browser, but asked for again each time it is shown: a signed-out or revoked caller gets no
    # image from its cache, and one still allowed gets "not modified" (304) for an image it holds.
    tag = f'"{hashlib.sha256(layout.png).hexdigest()[:32]}"'
    headers = {"Cache-Control": "private, no-cache", "ETag": tag}
    if _held(request.headers.get("if-none-match", ""), tag):
        return Response(status_code=304, headers=headers)
    return Response(layout.png, media_type="image/png", headers=headers)
