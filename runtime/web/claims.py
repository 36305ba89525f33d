"""Claiming a review from its screen (`POST /review/runs/{id}/claim`), by the rules of `claimflow review claim`.

The Claim button sends the review's own form: what the reviewer typed before claiming (edits, the type, a reason,
a comment) comes back on the screen, claimed or refused, as a refused decision's does, instead of being lost.
Every answer is a redirect to the review's page (`carried`), so reloading it never claims again.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from claimflow.runtime.registry import RunBusyError, RunNotFoundError
from claimflow.runtime.service.deps import EngineDep
from claimflow.runtime.web.advice import for_the_browser
from claimflow.runtime.web.forms import posted_fields, read_decision
from claimflow.runtime.web.late_decision import moved_on
from claimflow.runtime.web.render import REVIEW_BASE
from claimflow.runtime.web.review_pages import NOT_CLAIMED, answered, not_the_form, not_this_sessions
from claimflow.runtime.web.reviewer import (
    done_query,
    review_address,
    see_other,
    signed_in_reviewer,
    visible_review,
)
from claimflow.runtime.web.session import csrf_valid, own_stale_form

__all__ = ["router"]

router = APIRouter(prefix=REVIEW_BASE, include_in_schema=False)

NOT_CLAIMED_FORM = "Not claimed."
"""What the screen's list of problems opens with after a claim's form was refused (not the review's being held)."""


def _typed(form: dict[str, str], reviewer: str) -> dict[str, Any]:
    """What the reviewer typed on the review's form, to show again as `review_screen` keeps a refused form's."""
    kept = {
        "edited": read_decision(form, reviewer).edited,
        "reason": form.get("reason", ""),
        "comment": form.get("comment", ""),
        "doc_type": form.get("doc_type") or None,
    }
    typed = {name: value for name, value in kept.items() if value}
    # Sent on, a run that stopped waiting says it was not saved and who decided first (`late_decision`).
    return typed and {**typed, "action": "claim", "interrupt_id": form.get("interrupt_id")}


@router.post("/runs/{run_id}/claim")
async def claim(request: Request, engine: EngineDep, run_id: str) -> Response:
    """Take the review for the signed-in reviewer (the rules of `review claim`); a refusal says who has it."""
    principal, _ = await signed_in_reviewer(request)
    if principal is None:  # signed out: the review's page says so (`decide`)
        return see_other(review_address(run_id))
    form = posted_fields(await request.body(), request.headers.get("content-type"))
    # Answered by a redirect, as every claim is; what an unreadable form held is not shown back (`decide`'s reasons).
    if form is None:
        refused = {"errors": [not_the_form("claim it")], "problems_title": NOT_CLAIMED_FORM}
        return await answered(request, engine, principal, run_id, 400, refused)
    typed = _typed(form, principal.name)
    if not csrf_valid(request, form.get("csrf")):
        kept = own_stale_form(request, form.get("reviewer"), principal.name)  # `decide`'s reasons
        refused = {"errors": [not_this_sessions("claim it", kept=kept)], "problems_title": NOT_CLAIMED_FORM}
        return await answered(request, engine, principal, run_id, 403, {**(typed if kept else {}), **refused})
    try:
        row, pending = await visible_review(engine, principal, run_id)
        await engine.claim_review_as(row.run_id, principal.name)
    except RunNotFoundError:
        return see_other(review_address(run_id))  # its page says there is no such review
    except RunBusyError as error:
        refused = {**typed, "errors": [for_the_browser(str(error))], "problems_title": NOT_CLAIMED}
        return await answered(request, engine, principal, run_id, 409, refused)
    done = done_query(request, "claim", row.run_id)
    seen = form.get("interrupt_id")
    if typed and pending is not None and seen != pending.interrupt_id:  # what was typed is about a review gone since
        typed["errors"] = [await moved_on(engine, row.run_id, seen)]
    return await answered(request, engine, principal, row.run_id, 200, typed, done)
