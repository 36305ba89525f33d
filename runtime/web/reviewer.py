"""Who is reviewing and what they may review: the signed-in reviewer, and a run's open review if theirs to see.

With what every page's template needs, and the note after a decision.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import Request, Response
from fastapi.responses import RedirectResponse

from claimflow.runtime.engine import Engine
from claimflow.runtime.registry import RunNotFoundError
from claimflow.runtime.service.deps import Principal, visible_review, visible_run
from claimflow.runtime.web.render import REVIEW_BASE, html
from claimflow.runtime.web.session import REVIEW_ROLES, csrf_token, flash_mark, flash_mark_valid, signed_in
from claimflow.runtime.web.session_refusals import refusal_of

__all__ = [
    "decision_note",
    "done_query",
    "page_context",
    "review_address",
    "see_other",
    "signed_in_reviewer",
    "visible_review",
]


def see_other(url: str) -> RedirectResponse:
    """A 303 to `url`: after a form, the browser GETs the next page."""
    return RedirectResponse(url, status_code=303)


def review_address(run_id: str) -> str:
    """The path of run `run_id`'s review page, its id quoted as sent (a form's path may hold any text)."""
    return f"{REVIEW_BASE}/runs/{quote(run_id, safe='')}"


def page_context(request: Request, principal: Principal | None, **more: Any) -> dict[str, Any]:
    """What every page's template needs (who is signed in, the CSRF token), with `more`."""
    return {"principal": principal, "csrf": csrf_token(request), "queue_size": None, **more}


async def signed_in_reviewer(request: Request) -> tuple[Principal | None, Response | None]:
    """The signed-in reviewer, or the page to answer instead: sign in, or this token may not review."""
    principal = await signed_in(request)
    if principal is None:
        # After a refused sign-in (`session_refusals`): the page says why, with the refusal's status.
        status, error = refusal_of(request.query_params.get("refused")) or (401, None)
        return None, html("signin.html", status, **page_context(request, None, error=error))
    if principal.role not in REVIEW_ROLES:
        text = not_a_reviewer(principal)
        return None, html("message.html", 403, **page_context(request, principal, heading="Not a reviewer", text=text))
    return principal, None


def not_a_reviewer(principal: Principal) -> str:
    """Why a token of another role may not use the review pages."""
    return f"The token {principal.name!r} has the role {principal.role}; reviewing needs reviewer or admin."


_DONE = {"approve": "Approved", "edit": "Saved edits to", "reject": "Rejected", "claim": "Claimed"}
_WHERE = {
    "needs_review": "it needs review again, for the reasons below",
    "resume_queued": "it is queued to go on",
    "delivery_failed": "its delivery failed",
}
"""Where a decided run stands, in words, where its status name does not read as a sentence (`it is {status}`)."""


def done_query(request: Request, done: str, run_id: str) -> dict[str, str]:
    """The query of the page after a decision or a claim: what was done, on which run, and the mark vouching for it."""
    return {"done": done, "run": run_id, "mark": flash_mark(request, done, run_id)}


async def decision_note(
    request: Request, engine: Engine, principal: Principal, done: str | None, run: str | None, mark: str | None
) -> dict[str, str] | None:
    """The note after a decision (`done_query`): what was decided on which document, and where it is now.

    None unless the query carries the mark this session's own decision put on it: a link anyone can write
    (`?done=approve&run=ID`) would otherwise show a decision nobody took.
    """
    if done not in _DONE or not run or not flash_mark_valid(request, mark, done, run):
        return None
    try:
        row = await visible_run(engine, principal, run)
    except RunNotFoundError:
        return None
    if done == "claim":
        return {"kind": "ok", "text": f"Claimed {row.filename}: it is assigned to {row.assignee}."}
    if (done, row.status) == ("reject", "rejected"):  # `Rejected x.pdf: it is rejected.` says it twice
        return {"kind": "ok", "text": f"Rejected {row.filename}."}
    where = _WHERE.get(row.status, f"it is {row.status.replace('_', ' ')}")
    return {"kind": "ok", "text": f"{_DONE[done]} {row.filename}: {where}."}
