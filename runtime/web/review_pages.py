"""A run's review screen at `/review/runs/{id}`, and the decision its form posts."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request, Response

from claimflow.runtime.engine.decisions import AssignedElsewhereError, StaleReviewError
from claimflow.runtime.errors import UnknownDictionaryError
from claimflow.runtime.registry import ReviewView, RunBusyError, RunNotFoundError
from claimflow.runtime.service.deps import EngineDep, Principal
from claimflow.runtime.unreadable import readable, unreadable_note
from claimflow.runtime.web.advice import for_the_browser
from claimflow.runtime.web.carried import carried, carry
from claimflow.runtime.web.forms import errors_by_field, posted_fields, read_decision, rows_in_place
from claimflow.runtime.web.late_decision import decided_first, moved_on, not_saved, typed_values
from claimflow.runtime.web.page_images import page_cache
from claimflow.runtime.web.queue import deadline, queue_order
from claimflow.runtime.web.render import REVIEW_BASE, html
from claimflow.runtime.web.reviewer import (
    decision_note,
    done_query,
    page_context,
    review_address,
    see_other,
    signed_in_reviewer,
    visible_review,
)
from claimflow.runtime.web.screen import build_screen
from claimflow.runtime.web.session import csrf_valid, own_stale_form
from claimflow.state.errors import InvalidDecisionError

__all__ = [
    "NOT_CLAIMED",
    "NOT_SAVED",
    "answered",
    "not_the_form",
    "not_this_sessions",
    "review_screen",
    "router",
]

router = APIRouter(prefix=REVIEW_BASE, include_in_schema=False)

NOT_SAVED = "Not saved: the run is still waiting."
"""What the screen's list of problems opens with after a refused decision."""
NOT_CLAIMED = "Not claimed: the review is not yours."
"""What it opens with after a refused claim (nothing was being saved)."""


def not_the_form(verb: str) -> str:
    """Why a post the page never sends was refused (400): what to do is to `verb` again."""
    return (
        "the form was not sent as the review page sends it (a file in it, a field given twice, or text that is not"
        f" UTF-8): nothing of it was recorded; {verb} again on the review below"
    )


def not_this_sessions(verb: str, *, kept: bool = False) -> str:
    """Why a form without this session's CSRF token was refused (403): what to do is to `verb` again.

    `kept`: the reviewer's own stale form (`own_stale_form`), whose typed values are on the review below.
    """
    if kept:
        return (
            "the form was loaded before you last signed in (its session has ended): nothing of it was recorded;"
            f" what you typed is below, {verb} again"
        )
    return (
        "the form was not this session's (loaded before you last signed in, or sent by another page): nothing of it"
        f" was recorded; {verb} again on the review below"
    )


async def review_screen(
    request: Request, engine: EngineDep, principal: Principal, run_id: str, status: int = 200, **form: Any
) -> Response:
    """The review screen of a run, with what a refused form sent (`form`) kept and its errors shown."""
    try:
        found, unreadable = await readable(visible_review(engine, principal, run_id))
    except RunNotFoundError:
        return html(
            "message.html",
            404,
            **page_context(request, principal, heading="No such review", text=f"There is no run {run_id!r} for you."),
        )
    if found is None:  # a newer claimflow wrote its state: nothing on this page could be shown or decided
        text = f"Run {run_id}: {unreadable}."
        return html("message.html", 409, **page_context(request, principal, heading="Cannot be read here", text=text))
    row, pending = found
    if pending is None or row.status != "needs_review":
        text = f"{row.filename} is {row.status.replace('_', ' ')}: it no longer waits for review."
        link: dict[str, str] = {}
        if (new := row.superseded_by) is not None:  # a submitter ran it again: its review, if any, is the new run's
            text = f"{row.filename} was run again as run {new[:12]}: this run no longer waits for review."
            link = {"link_url": f"{REVIEW_BASE}/runs/{new}", "link_text": "Open the new run"}
        if "action" not in form:
            return html(
                "message.html",
                409 if status != 200 else 200,
                **page_context(request, principal, heading="Nothing to decide", text=text),
                **link,
            )
        # A form sent after the run moved on: what it held is said back, or it would be lost without a word.
        return html(
            "message.html",
            409,
            **page_context(request, principal, heading="Not saved", text=f"{not_saved(form['action'])}: {text}"),
            decided=await decided_first(engine, row.run_id, form.get("interrupt_id")),
            unsaved=typed_values(form),
            **link,
        )
    screen = await build_screen(engine, pending, page_cache(request))
    screen.doc_types = [name for name in screen.doc_types if principal.may_see(name)]  # only types it may review
    queue = await queue_order(engine, principal)
    later = queue[queue.index(row.run_id) + 1 :] if row.run_id in queue else queue
    position = f"{queue.index(row.run_id) + 1} of {len(queue)}" if row.run_id in queue else None
    field_errors, general = errors_by_field(form.pop("errors", []), [f.name for f in screen.fields])
    table_errors, general = errors_by_field(general, [t.name for t in screen.tables])
    now = time.time()
    note = await engine.review_note(row)  # the engine's words name CLI commands: said for the page instead
    context = page_context(request, principal, active="review", queue_size=len(queue), flash=form.pop("flash", None))
    due = deadline(ReviewView.of(row, now), now)
    # Claim is offered only where it can succeed (unassigned, or a group the reviewer is in): a review someone
    # else holds says who does and what the reviewer can do instead.
    claimable = due.assignee != principal.name and engine.settings.policy.review.may_claim(principal.name, due.assignee)
    return html(
        "review.html",
        status,
        claimable=claimable,
        groups=engine.settings.policy.review.groups,
        s=screen,
        tones={m.id: m.tone for m in screen.marks},
        labels={m.id: m.label for m in screen.marks},
        next_url=f"{REVIEW_BASE}/runs/{later[0]}" if later else None,
        earlier=len([run for run in queue if run != row.run_id]),  # still waiting, at the end of the queue
        position=position,
        field_errors=field_errors,
        table_errors=table_errors,
        general_errors=general,
        edited=form.pop("edited", {}),
        reason=form.pop("reason", ""),
        reason_errors=form.pop("reason_errors", ()),
        type_errors=form.pop("type_errors", ()),
        comment=form.pop("comment", ""),
        problems_title=form.pop("problems_title", NOT_SAVED),
        chosen_type=form.pop("doc_type", None),
        due=due,
        note=for_the_browser(note) if note is not None else None,
        **context,
    )


async def answered(
    request: Request,
    engine: EngineDep,
    principal: Principal,
    run_id: str,
    status: int,
    shown: dict[str, Any],
    done: dict[str, str] | None = None,
) -> Response:
    """A form's answer: a redirect (303) to run `run_id`'s review page, which a reload only reads again.

    The page says `done`'s note (`done_query`) and shows `shown` as `review_screen` does (a refusal's errors, what
    was typed), kept by the server under a name its address carries (`carried`); it answers with `status` (a
    refusal's 409 or 422). Answered in place only when what was typed is too long to keep: a reload of that page
    would post again, but nothing typed is lost.
    """
    query = dict(done or {})
    if shown:
        carrying = carry(request, run_id, {**shown, "status": status})
        if carrying is None:
            note = done or {}
            flash = await decision_note(request, engine, principal, note.get("done"), note.get("run"), note.get("mark"))
            return await review_screen(request, engine, principal, run_id, status, flash=flash, **shown)
        query.update(carrying)
    page = review_address(run_id)
    return see_other(f"{page}?{urlencode(query)}" if query else page)


async def _in_the_browser(engine: EngineDep, run_id: str, error: RunBusyError, seen: str | None = None) -> str:
    """Why a decision was refused, saying what to do on the page (the engine's message names CLI commands).

    `seen`: the review the page showed; a stale form is told the decision that answered it, since the page it
    comes back to holds what the reviewer typed, and one more click would set it over that decision unread.
    """
    if isinstance(error, AssignedElsewhereError):
        holder = (await engine.registry.get_run(run_id)).assignee
        return (
            f"this review is assigned to {holder}: only they (or a member of that group) may decide it; "
            "an admin can assign it to you"
        )
    if isinstance(error, StaleReviewError):
        return await moved_on(engine, run_id, seen)
    return for_the_browser(str(error))


async def _busy(
    engine: EngineDep,
    principal: Principal,
    run_id: str,
    error: RunBusyError,
    seen: str | None,
    form: dict[str, str],
    edited: dict[str, str],
) -> tuple[dict[str, str], list[str]]:
    """A decision the run could not take now: what was typed to put back on the review, and why it was refused.

    After another decision answered the review, rows may be numbered anew (one removed): a cell typed for a row
    goes back only where that row still is the one the page showed (`rows_in_place`); the others are said.
    """
    said = [await _in_the_browser(engine, run_id, error, seen)]
    if not isinstance(error, StaleReviewError):
        return edited, said
    kept, moved = await _in_place(engine, principal, run_id, form, edited)
    return kept, said + moved


async def _in_place(
    engine: EngineDep, principal: Principal, run_id: str, form: dict[str, str], edited: dict[str, str]
) -> tuple[dict[str, str], list[str]]:
    """What was typed that goes back where the review shows it now (`rows_in_place`), and what does not, said."""
    try:
        _, pending = await visible_review(engine, principal, run_id)
    except RunNotFoundError:
        pending = None
    tables = {} if pending is None else pending.state.tables
    shown = {
        name: [{column: value or "" for column, value in row.cells.items()} for row in rows]
        for name, rows in tables.items()
    }
    kept, moved = rows_in_place(form, edited, shown)
    return kept, [f"not put back, the row is no longer the one you saw: {'; '.join(moved)}"] if moved else []


@router.get("/runs/{run_id}")
async def review_page(
    request: Request,
    engine: EngineDep,
    run_id: str,
    done: str | None = None,
    run: str | None = None,
    mark: str | None = None,
    form: str | None = None,
    form_mark: str | None = None,
) -> Response:
    """A run's review screen: the page with each field's evidence marked, the fields, reasons and actions.

    After a form, `form` carries what its answer left to show (a refusal, what was typed: `answered`).
    """
    principal, refusal = await signed_in_reviewer(request)
    if principal is None:
        return refusal or Response(status_code=500)
    flash = await decision_note(request, engine, principal, done, run, mark)
    shown = carried(request, run_id, form, form_mark)
    return await review_screen(request, engine, principal, run_id, flash=flash, **shown)


@router.post("/runs/{run_id}")
async def decide(request: Request, engine: EngineDep, run_id: str) -> Response:
    """Approve, edit or reject through the engine's decision path; a refused decision leaves the run paused."""
    principal, _ = await signed_in_reviewer(request)
    if principal is None:  # signed out (a revoked token): the review's page says so, and a reload posts nothing
        return see_other(review_address(run_id))
    form = posted_fields(await request.body(), request.headers.get("content-type"))
    # Refused forms are answered by a redirect to the review as it is now (`answered`), saying why: a reload posts
    # nothing again. Nothing an unreadable form held is shown back, nor what a form not this session's held unless
    # it is the reviewer's own (`own_stale_form`).
    if form is None:  # a file's repr taken for a reason or a value was recorded as the reviewer's word
        return await answered(request, engine, principal, run_id, 400, {"errors": [not_the_form("decide")]})
    posted = read_decision(form, principal.name)
    typed: dict[str, Any] = {
        "edited": posted.edited,
        "reason": form.get("reason", ""),
        "comment": form.get("comment", ""),
        "doc_type": form.get("doc_type"),
        "action": form.get("action", ""),
        "interrupt_id": form.get("interrupt_id"),  # the review the page showed: who answered it, if it is late
    }
    if not csrf_valid(request, form.get("csrf")):
        # The reviewer's own form from before they signed in again: what they typed comes back, decided on nothing.
        kept = own_stale_form(request, form.get("reviewer"), principal.name)
        said, moved = [not_this_sessions("decide", kept=kept)], list[str]()
        if kept:  # the review may have changed since, its rows numbered anew
            typed["edited"], moved = await _in_place(engine, principal, run_id, form, typed["edited"])
        return await answered(
            request, engine, principal, run_id, 403, {"errors": said + moved, **(typed if kept else {})}
        )
    keep = {**typed, "reason_errors": posted.reason_errors, "type_errors": posted.type_errors}
    if posted.decision is None:
        return await answered(request, engine, principal, run_id, 422, {**keep, "errors": posted.errors})
    # The review the reviewer saw: without it the decision would answer whatever review is open now.
    seen = form.get("interrupt_id")
    if not seen:
        missing = "the form names no review (interrupt_id): reload the review and decide again"
        return await answered(request, engine, principal, run_id, 422, {**keep, "errors": [missing]})
    refused = principal.type_refusal(posted.decision.doc_type, engine.types)
    if refused is not None:  # the run would move to a type this reviewer may not review
        return await answered(request, engine, principal, run_id, 422, {**keep, "errors": [refused]})
    try:
        row, _ = await visible_review(engine, principal, run_id)
        before = await queue_order(engine, principal)  # where the run stood: the next run is the one after it
        await engine.decide(row.run_id, posted.decision, interrupt_id=seen, any_assignee=principal.role == "admin")
    except RunNotFoundError:
        return see_other(review_address(run_id))  # its page says there is no such review
    except InvalidDecisionError as error:
        refusals = [for_the_browser(problem) for problem in error.problems]  # they name `review decide`'s options
        return await answered(request, engine, principal, run_id, 422, {**keep, "errors": refusals})
    except RunBusyError as error:
        keep["edited"], said = await _busy(engine, principal, row.run_id, error, seen, form, keep["edited"])
        return await answered(request, engine, principal, run_id, 409, {**keep, "errors": said})
    except UnknownDictionaryError as error:  # a newer claimflow wrote its state since the page was loaded
        text = f"{not_saved(posted.decision.action)}: run {run_id}: {unreadable_note(error)}."
        context = page_context(request, principal, heading="Not saved", text=text)
        return html("message.html", 409, **context, unsaved=typed_values(keep))
    queue = await queue_order(engine, principal)
    after = urlencode(done_query(request, posted.decision.action, row.run_id))
    # A run the decision brought back for review (an edit that still breaks a rule) is shown again to the one
    # who knows what they just changed; otherwise the next run waiting after it, as the next-run link goes: runs
    # the reviewer passed over come round again only at the end of the queue.
    later = before[before.index(row.run_id) + 1 :] if row.run_id in before else []
    shown = row.run_id if row.run_id in queue else next((run for run in later if run in queue), None)
    shown = shown or (queue[0] if queue else None)
    return see_other(f"{REVIEW_BASE}/runs/{shown}?{after}" if shown else f"{REVIEW_BASE}?{after}")
