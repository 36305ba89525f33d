"""Claiming a review from its screen (`POST /review/runs/{id}/claim`), by the rules of `claimflow review claim`."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse

from claimflow.runtime.registry import RunBusyError, RunNotFoundError
from claimflow.runtime.service.deps import EngineDep
from claimflow.runtime.web.advice import for_the_browser
from claimflow.runtime.web.render import REVIEW_BASE, html
from claimflow.runtime.web.review_pages import review_screen
from claimflow.runtime.web.reviewer import done_query, page_context, signed_in_reviewer, visible_review
from claimflow.runtime.web.session import csrf_valid

__all__ = ["router"]

router = APIRouter(prefix=REVIEW_BASE, include_in_schema=False)


@router.post("/runs/{run_id}/claim")
async def claim(request: Request, engine: EngineDep, run_id: str, csrf: Annotated[str, Form()] = "") -> Response:
    """Take the review for the signed-in reviewer (the rules of `review claim`); a refusal says who has it."""
    principal, refusal = await signed_in_reviewer(request)
    if principal is None:
        return refusal or Response(status_code=500)
    if not csrf_valid(request, csrf):
        return html(
            "message.html",
            403,
            **page_context(request, principal, heading="Expired form", text="Reload the review and claim it again."),
        )
    try:
        row, _ = await visible_review(engine, principal, run_id)
        await engine.claim_review_as(row.run_id, principal.name)
    except RunNotFoundError:
        return await review_screen(request, engine, principal, run_id, 404)
    except RunBusyError as error:
        refused = for_the_browser(str(error))  # the engine's words name CLI commands
        return await review_screen(request, engine, principal, run_id, 409, errors=[refused])
    after = urlencode(done_query(request, "claim", row.run_id))
    return RedirectResponse(f"{REVIEW_BASE}/runs/{row.run_id}?{after}", 303)
