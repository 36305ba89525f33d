"""`/v1/reviews`: the review queue, one open review, and the decision that answers it.

A reviewer limited to some document types gets, for a review of another type, the same 404 as for a run
that does not exist: it learns nothing about the other types' runs.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Response, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from claimflow.runtime.engine import PendingReview
from claimflow.runtime.engine.decisions import StaleReviewError
from claimflow.runtime.engine.watching import review_opened_at
from claimflow.runtime.errors import WorkflowVersionError
from claimflow.runtime.refusal_places import at_body_in
from claimflow.runtime.registry import ReviewView, RunBusyError, RunRow, RunSupersededError
from claimflow.runtime.service.advice import at_body, decision_words, for_the_api
from claimflow.runtime.service.decision_refusals import decision_problems
from claimflow.runtime.service.deps import (
    ROLE_REFUSED,
    EngineDep,
    Principal,
    Reviewer,
    known_type,
    run_public,
    visible_review,
)
from claimflow.runtime.service.said import said_as
from claimflow.runtime.service.schemas import (
    AssignIn,
    AssignmentPublic,
    BrokenRule,
    CandidatePublic,
    DecisionConflict,
    DecisionIn,
    DecisionInvalid,
    EvidencePublic,
    Message,
    ReasonPublic,
    ReviewFieldPublic,
    ReviewPublic,
    ReviewSummary,
    ReviewTablePublic,
    RunPublic,
    RunRefused,
)
from claimflow.runtime.views import review_tables
from claimflow.state.errors import InvalidDecisionError
from claimflow.state.review import ReviewDecision, ReviewField

# No 404 for the router: the queue answers none; `openapi.py` documents it on each route with a run in its path.
router = APIRouter(prefix="/v1/reviews", tags=["reviews"], responses=ROLE_REFUSED)


def _time(seconds: float | None) -> datetime | None:
    return datetime.fromtimestamp(seconds, UTC) if seconds is not None else None


def _said_for_the_api(note: str | None, run_id: str) -> str | None:
    """A queue's note in the API's words: a refused decision's reason names `claimflow` commands and their options.

    A decision a worker refused after the 202 says each problem at the body field it concerns, in the words the
    422 of a decision refused at once gives (`body.evidence.due_date: ...`, `refusal_places`).
    """
    return for_the_api(decision_words(at_body_in(note)), run_id) if note is not None else None


@router.get("")
async def review_queue(
    principal: Reviewer,
    engine: EngineDep,
    doc_type: Annotated[str | None, Query(alias="type", max_length=200)] = None,
    assignee: Annotated[str | None, Query(min_length=1, max_length=200, pattern=r"\S")] = None,
    overdue: Annotated[
        bool | None,
        Query(description="`true`: only overdue reviews; `false`: only those not overdue."),
        said_as("true or false", "send overdue=true or overdue=false, or leave it out for every review"),
    ] = None,
) -> list[ReviewSummary]:
    """Runs waiting for a reviewer of the caller's types, in the review page's order; `assignee`, `overdue` filter them.

    The order: overdue reviews, then high-priority ones, then the rest; each group oldest first.
    """
    known_type(engine, doc_type)  # 422 naming the active types, as /v1/runs: a typo is no empty queue
    now = time.time()
    items = [
        ReviewSummary(
            run_id=entry.row.run_id,
            interrupt_id=entry.interrupt_id,
            document=entry.row.filename,
            doc_type=entry.doc_type,
            reasons=entry.reasons,
            opened_at=_time(entry.opened_at),
            age_seconds=max(0.0, now - entry.opened_at),
            note=_said_for_the_api(entry.note, entry.row.run_id),
            due_at=_time(entry.review.due_at),
            overdue=entry.review.overdue,
            assignee=entry.review.assignee,
            priority=entry.review.priority,
            escalated=entry.review.escalated,
        )
        for entry in await engine.review_entries()
        if principal.may_see(entry.doc_type) and doc_type in (None, entry.doc_type)
    ]
    return [item for item in items if assignee in (None, item.assignee) and overdue in (None, item.overdue)]


async def _open_review(engine: EngineDep, principal: Principal, run_id: str) -> tuple[RunRow, PendingReview]:
    """The run's open review, if the caller may see it; 404 alike for a missing run and one of another type."""
    row, pending = await visible_review(engine, principal, run_id)
    row = await engine.reopen_abandoned(row)  # a decision abandoned by a dead process opens the review again
    if pending is None or row.status != "needs_review":
        raise HTTPException(404, f"run {row.run_id} has no open review: {await engine.not_decidable(row)}")
    return row, pending


def _candidates(field: ReviewField) -> list[CandidatePublic]:
    values = [field.value] if isinstance(field.value, str) else list(field.value or [])
    if len(values) == len(field.evidence):
        return [
            CandidatePublic(value=v, quote=e.quote, page=e.page) for v, e in zip(values, field.evidence, strict=True)
        ]
    return [CandidatePublic(value=value) for value in values]


@router.get("/{run_id}")
async def get_review(principal: Reviewer, engine: EngineDep, run_id: str) -> ReviewPublic:
    """The open review: every field with value, confidence, evidence and reasons; tables; broken rules; candidates.

    `tables` holds each table field (an invoice's `line_items`) with its rows, each with its cells and evidence;
    its rows are not among `editable_fields`: a decision approves or rejects them with the run.

    `doc_types` lists only the types the caller may review.
    """
    row, pending = await _open_review(engine, principal, run_id)
    now = time.time()
    request, review, opened = pending.request, ReviewView.of(row, now), review_opened_at(row, pending)
    state = await engine.state(row.run_id)
    broken = [result for result in state.rule_results if not result.passed] if state is not None else []
    return ReviewPublic(
        run_id=row.run_id,
        interrupt_id=pending.interrupt_id,
        document=request.document,
        doc_type=request.doc_type,
        reasons=[ReasonPublic(code=r.code, message=r.message, field=r.field) for r in request.reasons],
        fields=[
            ReviewFieldPublic(
                name=field.name,
                kind=field.kind,
                required=field.required,
                value=field.value,
                status=field.status,
                confidence=field.confidence,
                evidence=[EvidencePublic.model_validate(e.model_dump()) for e in field.evidence],
                reasons=field.reasons,
                candidates=_candidates(field),
                follows=field.follows,
            )
            for field in request.fields
        ],
        tables=[
            ReviewTablePublic.model_validate(table)
            for table in review_tables(pending.state, engine.types, request.doc_type)
        ],
        broken_rules=[BrokenRule(rule=r.rule, message=r.message, fields=r.fields, code=r.code) for r in broken],
        allowed_actions=list(request.allowed_actions),
        editable_fields=request.editable_fields,
        doc_types=[name for name in request.doc_types if principal.may_see(name)],
        opened_at=_time(opened),
        age_seconds=max(0.0, now - opened),  # as the queue lists it: one shape for a review
        note=_said_for_the_api(await engine.review_note(row), row.run_id),
        due_at=_time(review.due_at),
        overdue=review.overdue,
        assignee=review.assignee,
        priority=review.priority,
        escalated=review.escalated,
    )


@router.post(
    "/{run_id}/decision",
    responses={
        202: {"model": RunPublic, "description": "Production mode: recorded; a worker resumes the run."},
        409: {
            "model": DecisionConflict,
            "description": "Stale or second decision: the run's current state; the message names who decided the"
            " review, when and what. Also a run this server cannot continue (its document type is not loaded"
            " here, or its workflow version is no longer installed), the message saying what to do.",
        },
        422: {"model": DecisionInvalid, "description": "The decision fails its checks; the run stays paused."},
        503: {
            "model": Message,
            "description": "The run's model cannot be built on this server (a key not set), or storage or the"
            " database cannot be reached; nothing changed, the run waits on its review.",
        },
    },
)
async def decide(
    principal: Reviewer, engine: EngineDep, run_id: str, body: DecisionIn, response: Response
) -> RunPublic:
    """Approve, edit or reject the review `interrupt_id`; the run resumes at once and the answer is where it stands.

    The token's name is recorded as the reviewer. In production mode (CLAIMFLOW_EXECUTION=queue) the decision
    and its resume job are recorded in one transaction and the answer is 202 with the run `resume_queued`; the
    worker checks the decision against the document, and one it refuses leaves the run `needs_review` with
    `decisions: refused` and the reason. A reviewer limited to some types may name only one of those as
    `doc_type` (422 otherwise, and the run stays paused on the same review).
    """
    row, _ = await visible_review(engine, principal, run_id)
    refused = principal.type_refusal(body.doc_type, engine.types)
    if refused is not None:  # the run would move out of this reviewer's sight, to a type it may not review
        return JSONResponse(  # type: ignore[return-value]  # documented in `responses`
            DecisionInvalid(message="invalid decision: " + refused, errors=[f"body.{refused}"]).model_dump(),
            status_code=422,
        )
    try:
        decision = ReviewDecision.model_validate(
            {**body.model_dump(exclude={"interrupt_id"}, exclude_none=True), "reviewer": principal.name}
        )
    except ValidationError as error:
        found = decision_problems(error)
        return JSONResponse(  # type: ignore[return-value]  # documented in `responses`
            DecisionInvalid(message="invalid decision: " + "; ".join(found), errors=found).model_dump(),
            status_code=422,
        )
    try:
        done = await engine.decide(
            row.run_id, decision, interrupt_id=body.interrupt_id, any_assignee=principal.role == "admin"
        )
    except InvalidDecisionError as error:
        return JSONResponse(  # type: ignore[return-value]
            DecisionInvalid(
                message=decision_words(str(error)), errors=[at_body(problem) for problem in error.problems]
            ).model_dump(),
            status_code=422,
        )
    except (StaleReviewError, RunBusyError, WorkflowVersionError) as error:
        # Every 409 of a decision is a `DecisionConflict`, with the run: one whose type is not loaded here, or whose
        # workflow version is no longer installed, as a stale one.
        current = await run_public(engine, row.run_id)
        return JSONResponse(  # type: ignore[return-value]
            DecisionConflict(
                message=for_the_api(str(error), row.run_id),
                run=current,
                superseded_by=error.superseded_by if isinstance(error, RunSupersededError) else None,
            ).model_dump(mode="json"),
            status_code=409,
        )
    if done.status == "resume_queued":
        response.status_code = status.HTTP_202_ACCEPTED
    return await run_public(engine, done.run_id)


async def _assignment(engine: EngineDep, principal: Principal, run_id: str) -> str:
    """The run id of an open review the caller may see (404 otherwise), before it is assigned or claimed."""
    row, _ = await _open_review(engine, principal, run_id)
    return row.run_id


def _assigned(row: RunRow) -> AssignmentPublic:
    review = ReviewView.of(row, time.time())
    return AssignmentPublic(
        run_id=row.run_id,
        interrupt_id=row.interrupt_id,
        assignee=review.assignee,
        priority=review.priority,
        due_at=_time(review.due_at),
        overdue=review.overdue,
    )


_REFUSED: dict[int | str, dict[str, Any]] = {
    409: {
        "model": RunRefused,
        "description": "The rules refuse it (who has the review, or it moved on; `superseded_by` names the run it"
        " was run again as).",
    }
}


@router.post("/{run_id}/assign", responses=_REFUSED)
async def assign(principal: Reviewer, engine: EngineDep, run_id: str, body: AssignIn) -> AssignmentPublic:
    """Give the review to a reviewer or a group (`review.assigned`), as `claimflow review assign` does.

    An admin assigns to anyone. A reviewer may only assign to themselves, and then the rules of a claim apply.
    """
    if principal.role != "admin" and body.to.strip() != principal.name:
        raise HTTPException(403, "a reviewer may only assign a review to themselves; an admin assigns to others")
    problem = engine.assignee_problem(body.to)
    if problem is not None:  # before the run is looked up, as any other invalid body
        raise RequestValidationError([{"type": "value_error", "loc": ("body", "to"), "msg": problem, "input": body.to}])
    found = await _assignment(engine, principal, run_id)
    if principal.role != "admin":
        return _assigned(await engine.claim_review_as(found, principal.name))
    return _assigned(await engine.assign_review(found, body.to))


@router.post("/{run_id}/claim", responses=_REFUSED)
async def claim(principal: Reviewer, engine: EngineDep, run_id: str) -> AssignmentPublic:
    """Take the review for the token's name (`review.claimed`), as `claimflow review claim --as NAME` does.

    Allowed when it is unassigned, already the caller's, or assigned to a group the caller is in; else 409.
    """
    return _assigned(await engine.claim_review_as(await _assignment(engine, principal, run_id), principal.name))
