"""The review pages at `/review`: sign in, the queue, a run's review screen, and its decision."""

from __future__ import annotations

import time
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse

from claimflow.runtime.registry import ReviewView, RunBusyError, RunNotFoundError
from claimflow.runtime.service.deps import EngineDep, Principal, authenticate, visible_run
from claimflow.runtime.web.forms import errors_by_field, read_decision
from claimflow.runtime.web.page_images import page_cache
from claimflow.runtime.web.queue import deadline, filter_link, type_counts, visible_queue
from claimflow.runtime.web.render import REVIEW_BASE, html, static_file
from claimflow.runtime.web.screen import build_screen
from claimflow.runtime.web.session import REVIEW_ROLES, csrf_token, csrf_valid, sign_in, sign_out, signed_in
from claimflow.state.errors import InvalidDecisionError

__all__ = ["page_context", "review_screen", "router", "signed_in_reviewer"]

router = APIRouter(prefix=REVIEW_BASE, include_in_schema=False)


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def page_context(request: Request, principal: Principal | None, **more: Any) -> dict[str, Any]:
    """What every page's template needs (who is signed in, the CSRF token), with `more`."""
    return {"principal": principal, "csrf": csrf_token(request), "queue_size": None, **more}


@router.get("/static/{name}")
async def static(name: str) -> Response:
    """The pages' CSS and JavaScript, from the installed package."""
    return static_file(name)


@router.post("/sign-in")
async def sign_in_form(request: Request, engine: EngineDep, token: Annotated[str, Form()] = "") -> Response:
    """Check a pasted token and keep it in the session cookie."""
    principal = await authenticate(engine, token.strip())
    if principal is None:
        return html(
            "signin.html", 401, **page_context(request, None, error="That token is not valid (or was revoked).")
        )
    response = _see_other(REVIEW_BASE)
    sign_in(response, token.strip(), secure=request.url.scheme == "https")
    return response


@router.post("/sign-out")
async def sign_out_form(request: Request, csrf: Annotated[str, Form()] = "") -> Response:
    """Forget the session (the form's CSRF token must match: no other site signs a reviewer out)."""
    if not csrf_valid(request, csrf):
        return html(
            "message.html", 403, **page_context(request, None, heading="Expired form", text="Reload and try again.")
        )
    response = _see_other(REVIEW_BASE)
    sign_out(response)
    return response


_DONE = {"approve": "Approved", "edit": "Saved edits to", "reject": "Rejected", "claim": "Claimed"}


async def _flash(engine: EngineDep, principal: Principal, done: str | None, run: str | None) -> dict[str, str] | None:
    """The note after a decision (`?done=ACTION&run=RUN`): what was decided on which document, and where it is now."""
    if done not in _DONE or not run:
        return None
    try:
        row = await visible_run(engine, principal, run)
    except RunNotFoundError:
        return None
    if done == "claim":
        return {"kind": "ok", "text": f"Claimed {row.filename}: it is assigned to {row.assignee}."}
    where = "completed" if row.status == "completed" else row.status.replace("_", " ")
    return {"kind": "ok", "text": f"{_DONE[done]} {row.filename}: it is {where}."}


async def signed_in_reviewer(request: Request) -> tuple[Principal | None, Response | None]:
    """The signed-in reviewer, or the page to answer instead: sign in, or this token may not review."""
    principal = await signed_in(request)
    if principal is None:
        return None, html("signin.html", 401, **page_context(request, None))
    if principal.role not in REVIEW_ROLES:
        text = f"The token {principal.name!r} has the role {principal.role}; reviewing needs reviewer or admin."
        return None, html("message.html", 403, **page_context(request, principal, heading="Not a reviewer", text=text))
    return principal, None


@router.get("")
async def queue_page(
    request: Request,
    engine: EngineDep,
    type: str | None = None,  # noqa: A002
    mine: bool = False,
    overdue: bool = False,
    done: str | None = None,
    run: str | None = None,
) -> Response:
    """The runs waiting for this reviewer, overdue and urgent first; `?type=`, `?mine=1`, `?overdue=1` filter them."""
    principal, refusal = await signed_in_reviewer(request)
    if principal is None:
        return refusal or Response(status_code=500)
    items = await visible_queue(engine, principal)
    shown = [
        item
        for item in items
        if (not type or (item.doc_type or "unknown") == type)
        and (not mine or item.deadline.assignee == principal.name)
        and (not overdue or item.deadline.overdue)
    ]
    flash = await _flash(engine, principal, done, run)
    context = page_context(request, principal, active="queue", queue_size=len(items), flash=flash)
    filters = {"type": type, "mine": mine, "overdue": overdue}
    counts = {
        "mine": sum(item.deadline.assignee == principal.name for item in items),
        "overdue": sum(item.deadline.overdue for item in items),
    }
    return html(
        "queue.html",
        items=shown,
        total=len(items),
        types=type_counts(items),
        chosen=type,
        filters=filters,
        counts=counts,
        link=filter_link,
        **context,
    )


async def review_screen(
    request: Request, engine: EngineDep, principal: Principal, run_id: str, status: int = 200, **form: Any
) -> Response:
    """The review screen of a run, with what a refused form sent (`form`) kept and its errors shown."""
    try:
        row = await visible_run(engine, principal, run_id)
    except RunNotFoundError:
        return html(
            "message.html",
            404,
            **page_context(request, principal, heading="No such review", text=f"There is no run {run_id!r} for you."),
        )
    pending = await engine.pending_review(row.run_id)
    if pending is None or row.status != "needs_review":
        text = f"{row.filename} is {row.status.replace('_', ' ')}: it no longer waits for review."
        return html(
            "message.html",
            409 if status != 200 else 200,
            **page_context(request, principal, heading="Nothing to decide", text=text),
        )
    screen = await build_screen(engine, pending, page_cache(request))
    queue = [item.run_id for item in await visible_queue(engine, principal)]
    later = queue[queue.index(row.run_id) + 1 :] if row.run_id in queue else queue
    position = f"{queue.index(row.run_id) + 1} of {len(queue)}" if row.run_id in queue else None
    field_errors, general = errors_by_field(form.pop("errors", []), [f.name for f in screen.fields])
    now = time.time()
    context = page_context(request, principal, active="review", queue_size=len(queue), flash=form.pop("flash", None))
    return html(
        "review.html",
        status,
        s=screen,
        tones={m.id: m.tone for m in screen.marks},
        labels={m.id: m.label for m in screen.marks},
        next_url=f"{REVIEW_BASE}/runs/{later[0]}" if later else None,
        position=position,
        field_errors=field_errors,
        general_errors=general,
        edited=form.pop("edited", {}),
        reason=form.pop("reason", ""),
        comment=form.pop("comment", ""),
        chosen_type=form.pop("doc_type", None),
        due=deadline(ReviewView.of(row, now), now),
        **context,
    )


@router.get("/runs/{run_id}")
async def review_page(
    request: Request, engine: EngineDep, run_id: str, done: str | None = None, run: str | None = None
) -> Response:
    """A run's review screen: the page with each field's evidence marked, the fields, reasons and actions."""
    principal, refusal = await signed_in_reviewer(request)
    if principal is None:
        return refusal or Response(status_code=500)
    return await review_screen(request, engine, principal, run_id, flash=await _flash(engine, principal, done, run))


@router.post("/runs/{run_id}")
async def decide(request: Request, engine: EngineDep, run_id: str) -> Response:
    """Approve, edit or reject through the engine's decision path; a refused decision leaves the run paused."""
    principal, refusal = await signed_in_reviewer(request)
    if principal is None:
        return refusal or Response(status_code=500)
    form = {key: str(value) for key, value in (await request.form()).items()}
    if not csrf_valid(request, form.get("csrf")):
        return html(
            "message.html",
            403,
            **page_context(request, principal, heading="Expired form", text="Reload the review and decide again."),
        )
    posted = read_decision(form, principal.name)
    keep = {
        "edited": posted.edited,
        "reason": form.get("reason", ""),
        "comment": form.get("comment", ""),
        "doc_type": form.get("doc_type"),
    }
    if posted.decision is None:
        return await review_screen(request, engine, principal, run_id, 422, errors=posted.errors, **keep)
    try:
        row = await visible_run(engine, principal, run_id)
        await engine.decide(row.run_id, posted.decision, interrupt_id=form.get("interrupt_id") or None)
    except RunNotFoundError:
        return await review_screen(request, engine, principal, run_id, 404)
    except InvalidDecisionError as error:
        return await review_screen(request, engine, principal, run_id, 422, errors=list(error.problems), **keep)
    except RunBusyError as error:
        return await review_screen(request, engine, principal, run_id, 409, errors=[str(error)], **keep)
    queue = [item.run_id for item in await visible_queue(engine, principal)]
    after = urlencode({"done": posted.decision.action, "run": row.run_id})
    return _see_other(f"{REVIEW_BASE}/runs/{queue[0]}?{after}" if queue else f"{REVIEW_BASE}?{after}")
