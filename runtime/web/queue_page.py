"""The queue page at `/review`: the runs waiting for the signed-in reviewer, with its filters."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from claimflow.runtime.service.deps import EngineDep
from claimflow.runtime.web.queue import QueueItem, filter_link, type_counts, visible_queue
from claimflow.runtime.web.render import REVIEW_BASE, html
from claimflow.runtime.web.reviewer import decision_note, page_context, signed_in_reviewer
from claimflow.runtime.web.session_refusals import NOT_SIGNED_OUT, NOT_SIGNED_OUT_TEXT
from claimflow.state.schema import UNKNOWN_TYPE

__all__ = ["router"]

router = APIRouter(prefix=REVIEW_BASE, include_in_schema=False)


@router.get("")
async def queue_page(
    request: Request,
    engine: EngineDep,
    type: str | None = None,  # noqa: A002
    mine: bool = False,
    overdue: bool = False,
    done: str | None = None,
    run: str | None = None,
    mark: str | None = None,
) -> Response:
    """The runs waiting for this reviewer, overdue and urgent first; `?type=`, `?mine=1`, `?overdue=1` filter them."""
    principal, refusal = await signed_in_reviewer(request)
    if principal is None:
        return refusal or Response(status_code=500)
    items = await visible_queue(engine, principal)
    policy = engine.settings.policy.review

    def assigned_to_me(item: QueueItem) -> bool:
        # Assigned to the reviewer or to a group they are in: the reviews they may claim and decide, unassigned ones
        # aside (those are everyone's).
        assignee = item.deadline.assignee
        return assignee is not None and policy.may_claim(principal.name, assignee)

    shown = [
        item
        for item in items
        if (not type or (item.doc_type or UNKNOWN_TYPE) == type)
        and (not mine or assigned_to_me(item))
        and (not overdue or item.deadline.overdue)
    ]
    flash = await decision_note(request, engine, principal, done, run, mark)
    if request.query_params.get("refused") == NOT_SIGNED_OUT:  # a stale sign-out form's answer
        flash = {"kind": "error", "text": NOT_SIGNED_OUT_TEXT}
    context = page_context(request, principal, active="queue", queue_size=len(items), flash=flash)
    filters = {"type": type, "mine": mine, "overdue": overdue}
    counts = {
        "mine": sum(assigned_to_me(item) for item in items),
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
