"""`/v1/runs`: list runs a page at a time; read one, its events (also live), explanation and record; rerun, erase."""

from __future__ import annotations

import asyncio
import base64
import binascii
import dataclasses
import json
import math
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request, Response, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import StreamingResponse

from claimflow.runtime.engine import Engine
from claimflow.runtime.engine.models import RunModelError
from claimflow.runtime.explain import explained
from claimflow.runtime.registry import RunBusyError
from claimflow.runtime.registry.runs import status_refusal
from claimflow.runtime.service.deps import (
    ROLE_REFUSED,
    EngineDep,
    PoolDep,
    Reader,
    Submitter,
    known_type,
    query_problem,
    require,
    row_public,
    visible_run,
)
from claimflow.runtime.service.pool import RunPool
from claimflow.runtime.service.query_time import Since
from claimflow.runtime.service.said import said_as
from claimflow.runtime.service.schemas import (
    ErasedManyPublic,
    ErasedPublic,
    EraseIn,
    EraseManyIn,
    EventPublic,
    ExplainPublic,
    Message,
    NotRerunPublic,
    Page,
    RecordPublic,
    RerunPublic,
    RerunsPublic,
    RunPublic,
    RunRefused,
)
from claimflow.runtime.web.page_images import page_cache
from claimflow.state.plain_text import control_problem
from claimflow.state.redaction import redact

# No 404 for the router: a list answers none; `openapi.py` documents it on each route with a run in its path.
router = APIRouter(prefix="/v1/runs", tags=["runs"], responses=ROLE_REFUSED)


def encode_cursor(position: tuple[float, str]) -> str:
    """A page position as an opaque string."""
    return base64.urlsafe_b64encode(json.dumps(list(position)).encode()).decode().rstrip("=")


def _no_constant(name: str) -> float:
    raise ValueError(name)  # NaN, Infinity, -Infinity: never in a cursor this server gave


def decode_cursor(cursor: str) -> tuple[float, str]:
    """The position a cursor stands for; 422 for anything this server did not hand out.

    A position is a finite creation time and a run id without control characters.
    """
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        created, run_id = json.loads(raw, parse_constant=_no_constant)
        if isinstance(created, bool) or not isinstance(created, int | float) or not isinstance(run_id, str):
            raise ValueError(cursor)
        when = float(created)  # OverflowError for an int too large for a float
        if not math.isfinite(when) or control_problem(run_id) is not None:
            raise ValueError(cursor)
        return when, run_id
    except (ValueError, TypeError, OverflowError, binascii.Error, UnicodeDecodeError):
        problem = "not a cursor this server gave; pass a page's `next_cursor` as is"
        raise RequestValidationError([query_problem("cursor", problem, cursor)]) from None


def known_status(status: str | None) -> str | None:
    """`status` if a run can have it: a typo (`complete`) would list nothing, and look like an empty queue."""
    problem = status_refusal(status)
    if problem is not None:
        raise RequestValidationError([query_problem("status", problem, status)])
    return status


def _utc(moment: datetime) -> datetime:
    """A time without a zone is taken as UTC, never as the server's local time."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


@router.get("")
async def list_runs(
    principal: Reader,
    engine: EngineDep,
    status_: Annotated[
        str | None, Query(alias="status", max_length=40, description="completed, needs_review, failed, queued, ...")
    ] = None,
    doc_type: Annotated[
        str | None,
        Query(
            alias="type",
            max_length=200,
            description="The run's document type, or `unknown`: the runs of no known type, those the classifier found"
            " none fits and those with none (failed before classification, or not yet classified).",
        ),
    ] = None,
    since: Since = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: Annotated[str | None, Query(max_length=1000, description="`next_cursor` of the previous page.")] = None,
) -> Page[RunPublic]:
    """Runs, oldest first, a page at a time; a run created while paging shows up on a later page.

    `resume_cursor`, kept after the last page, reads later the runs created since (a client syncing its copy).
    """
    rows, position = await engine.runs_page(
        status=known_status(status_),
        doc_type=known_type(engine, doc_type),
        since=_utc(since).timestamp() if since is not None else None,
        after=decode_cursor(cursor) if cursor is not None else None,
        limit=limit,
        doc_types=principal.types,
    )
    # One run whose state cannot be read here (a dictionary this server lacks) is listed with why, not a 500.
    items = [await row_public(engine, row, listed=True) for row in rows]
    resume = encode_cursor((rows[-1].created_at, rows[-1].run_id)) if rows else cursor
    return Page[RunPublic](items=items, next_cursor=encode_cursor(position) if position else None, resume_cursor=resume)


@router.get("/{run_id}")
async def get_run(principal: Reader, engine: EngineDep, run_id: str) -> RunPublic:
    """One run (its id, or a unique prefix of at least 6 characters).

    A run whose state this server cannot read (a newer claimflow wrote it) is its row, as `GET /v1/runs` lists it:
    without fields, `error` saying why.
    """
    return await row_public(engine, await visible_run(engine, principal, run_id), listed=True)


def _event(item: dict[str, Any]) -> EventPublic:
    return EventPublic.model_validate(item)


@router.get("/{run_id}/events")
async def run_events(principal: Reader, engine: EngineDep, run_id: str) -> list[EventPublic]:
    """The run's audit events, in the order they were stored."""
    row = await visible_run(engine, principal, run_id)
    return [_event(item) for item in await engine.registry.events(row.run_id)]


LAST_SEQ = 2**63 - 1
"""The largest sequence number an event may have (a signed 64-bit integer, as the registries store it)."""

KEEPALIVE_SECONDS = 15.0
"""How long a stream may be silent before it sends a comment line, so that proxies keep the connection open."""


async def _sse(engine: EngineDep, run_id: str, after: int) -> AsyncIterator[str]:
    events = engine.follow(run_id, after=after)
    waiting = asyncio.ensure_future(anext(events))
    try:
        while True:
            done, _ = await asyncio.wait({waiting}, timeout=KEEPALIVE_SECONDS)
            if not done:
                yield ": keepalive\n\n"
                continue
            try:
                item = waiting.result()
            except StopAsyncIteration:
                break
            yield f"id: {item['seq']}\nevent: {item['type']}\ndata: {_event(item).model_dump_json()}\n\n"
            waiting = asyncio.ensure_future(anext(events))
    finally:
        waiting.cancel()  # the client went away, or the run stopped moving
        await asyncio.gather(waiting, return_exceptions=True)
        await events.aclose()
    yield "event: end\ndata: {}\n\n"


@router.get(
    "/{run_id}/events/stream",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}, "description": "Server-Sent Events."}},
)
async def stream_events(
    principal: Reader,
    engine: EngineDep,
    run_id: str,
    last_event_id: Annotated[
        int | None,
        Header(alias="Last-Event-ID", ge=0, le=LAST_SEQ, description="The `id` of the last event the client got."),
        said_as("an event id", "send the `id` of the last event received (a whole number from 0), or none"),
    ] = None,
) -> StreamingResponse:
    """The run's events as Server-Sent Events while it moves; ends (`event: end`) when it finishes or pauses.

    A comment line (`: keepalive`) is sent after 15 s without an event.

    Each event's `id` is its sequence number: a client that reconnects with `Last-Event-ID` gets what came after.
    """
    row = await visible_run(engine, principal, run_id)
    return StreamingResponse(
        _sse(engine, row.run_id, last_event_id or 0),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


@router.get("/{run_id}/explain")
async def explain_run(principal: Reader, engine: EngineDep, run_id: str) -> ExplainPublic:
    """Why each field has its value, as `claimflow explain` prints it."""
    row = await visible_run(engine, principal, run_id)
    text, refused = await explained(engine, row)
    return ExplainPublic(run_id=row.run_id, text=text, refused_decisions=refused)


@router.get("/{run_id}/record")
async def run_record(principal: Reader, engine: EngineDep, run_id: str) -> RecordPublic:
    """The typed record (fields with provenance, tables with rows); null while the type is not known."""
    row = await visible_run(engine, principal, run_id)
    record = await engine.record(row.run_id)
    return RecordPublic(run_id=row.run_id, record=record.model_dump(mode="json") if record is not None else None)


@router.post(
    "/{run_id}/rerun",
    status_code=status.HTTP_201_CREATED,
    responses={
        409: {
            "model": RunRefused,
            "description": "A completed or rejected run, one run again before (`superseded_by` names its new run),"
            " one pruned, or one being processed.",
        },
        503: {
            "model": Message,
            "description": "The run's model cannot be built on this server, or storage or the database cannot be"
            " reached; nothing changed.",
        },
    },
)
async def rerun(principal: Submitter, engine: EngineDep, pool: PoolDep, run_id: str, response: Response) -> RunPublic:
    """Run a failed or unfinished run's stored document again, as `claimflow rerun RUN` does; the answer comes at once.

    The new run (201, `Location` names it) is queued on the old run's model and endpoint, under this server's
    workflow version. The old run stays failed, its error saying `superseded: run again as NEW ...` and, for a run
    that had failed, why it had. A run failed while the model's server was down goes again once it is back.
    Refused (409), with nothing changed: a completed or rejected run, a run run again before, a failed run whose
    document a prune removed, a run being processed (by the pool, a decision, another process).
    """
    row = await visible_run(engine, principal, run_id)
    public = await _run_again(engine, pool, row.run_id)
    response.headers["Location"] = f"{router.prefix}/{public.run_id}"
    return public


async def _run_again(engine: Engine, pool: RunPool, run_id: str) -> RunPublic:
    """The run's new run, queued (`Engine.supersede`), and handed to the pool unless workers advance it."""
    new = await engine.supersede(run_id)
    public = await row_public(engine, new, registered_now=True)  # made before the pool may move the run
    if not engine.queued:
        pool.start(new.run_id)
    return public


@router.post(
    "/{run_id}/erase",
    dependencies=[Depends(require("admin"))],
    responses={
        409: {
            "model": Message,
            "description": "A run not finished, one being changed by another operation or process, or one whose"
            " document other runs share (the message names them: erase them together); nothing was erased.",
        },
    },
)
async def erase_run(principal: Reader, engine: EngineDep, request: Request, run_id: str, body: EraseIn) -> ErasedPublic:
    """Erase a finished run's personal data, keeping the shape of its audit trail, as `claimflow erase RUN` does.

    The server does it itself, in production mode too (it is no step of the run). Its document, values, quotes,
    comments and file name go; `GET /v1/runs/{id}`, its events and explain show `[erased]` where they were. Erasing
    a run erased before changes nothing (`already`). Refused (409) with nothing changed: a run not finished (a
    review waiting is to be rejected first), one another operation holds (a rerun), one whose document another run
    shares (the message names it; `claimflow erase` takes several runs at once).
    """
    row = await visible_run(engine, principal, run_id)
    [erased] = (await engine.erase([row.run_id], reason=body.reason)).runs
    await page_cache(request).forget(row.document_id)  # the page images this server rendered of it
    return ErasedPublic.model_validate(dataclasses.asdict(erased))


@router.post(
    "/erase",
    dependencies=[Depends(require("admin"))],
    responses={
        404: {"model": Message, "description": "A run named is unknown (the message names it); nothing was erased."},
        409: {
            "model": Message,
            "description": "A run not finished, one being changed by another operation or process, or one whose"
            " document a run not named shares (the message names it); nothing was erased.",
        },
    },
)
async def erase_runs(principal: Reader, engine: EngineDep, request: Request, body: EraseManyIn) -> ErasedManyPublic:
    """Erase several finished runs together, as `claimflow erase RUN OTHER ...` does: the same sent twice.

    A document two runs share is erased only with both (`POST /v1/runs/{id}/erase` on one of them is refused,
    naming the other). Every run is checked before any is erased: one unknown (404), unfinished or held (409)
    refuses them all, nothing changed. A run named twice is erased once.
    """
    rows = [await visible_run(engine, principal, run_id) for run_id in body.runs]
    run_ids = list(dict.fromkeys(row.run_id for row in rows))
    report = await engine.erase(run_ids, reason=body.reason)
    for document_id in {row.document_id for row in rows}:
        await page_cache(request).forget(document_id)  # the page images this server rendered of them
    return ErasedManyPublic(runs=[ErasedPublic.model_validate(dataclasses.asdict(run)) for run in report.runs])


@router.post("/rerun-failed", dependencies=[Depends(require("admin"))])
async def rerun_failed(
    engine: EngineDep,
    pool: PoolDep,
    error: Annotated[
        str | None,
        Query(
            max_length=500, description="Only runs whose error holds this text, in any case (ModelUnavailableError)."
        ),
    ] = None,
) -> RerunsPublic:
    """Run every failed run whose document is stored and that was not run again, as `claimflow rerun --failed` does.

    Once a model's server that was down is back. Each new run is queued on its old run's model, and the pool (in
    production mode, a worker) advances it; each old run stays failed, superseded. A run this server cannot run again
    now (its model cannot be built here, another process holds it) is left as it was, with the reason, in `left`.
    `error=ModelUnavailableError` takes only the runs the model's outage failed (a corrupt PDF would fail again).
    """
    done, left = [], []
    for row in await engine.rerunnable_failures(error=error):
        try:
            done.append(RerunPublic(rerun_of=row.run_id, run=await _run_again(engine, pool, row.run_id)))
        except (RunBusyError, RunModelError) as refusal:
            left.append(NotRerunPublic(run_id=row.run_id, message=redact(str(refusal))))
    return RerunsPublic(rerun=done, left=left)
