"""A resume that answers no open review is refused (409) before LangGraph's server takes it.

LangGraph accepts a resume (`command={"resume": ...}`) on a thread that waits on nothing, or one keyed by an
interrupt id that is not pending, and ignores its value: the run ends at once, or asks the same question
again, and the client hears nothing. A reviewer's late decision (the run completed meanwhile, a second
reviewer, a client's retry) would be lost without a word. So the server's HTTP app reads a resume sent to
`POST /threads/{id}/runs`, `/runs/stream` or `/runs/wait`, asks the server itself (with the caller's own
headers, so its auth applies) where the thread stands, and answers 409 with what became of the run and what
to do when the resume has nothing to answer. Anything else is passed on untouched.

A thread that is busy (a run in progress) is passed on: its state is moving, and LangGraph's multitask
strategy decides (the default refuses a second run itself).
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from collections.abc import Mapping
from typing import Any

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from claimflow.runtime.errors import SetupError
from claimflow.runtime.registry import RegistryError, RunNotFoundError
from claimflow.runtime.server.context import ENGINES
from claimflow.runtime.server.refused_decisions import keep_refused

_RUNS_PATH = re.compile(r"/threads/([^/]+)/runs(?:/stream|/wait)?/?")
_INTERRUPT_ID = re.compile(r"[0-9a-f]{32}")
"""How LangGraph tells a resume keyed by interrupt id from a plain value (every key is one)."""

_REFUSED = "decision refused: "
_STAYS_OPEN = "decision refused, the review stays open: "

_log = logging.getLogger(__name__)


def resumed_thread(scope: Scope) -> str | None:
    """The thread id of a request that may carry a resume (a new run on a thread), else None."""
    if scope["type"] != "http" or scope["method"] != "POST":
        return None
    found = _RUNS_PATH.fullmatch(scope["path"])
    if found is None:
        return None
    try:
        return str(uuid.UUID(found.group(1)))
    except ValueError:
        return None


def resume_keys(payload: object) -> list[str] | None:
    """The interrupt ids a run's payload answers: [] for a plain resume value; None when it resumes nothing."""
    if not isinstance(payload, Mapping):
        return None
    command = payload.get("command")
    if not isinstance(command, Mapping) or command.get("resume") is None:
        return None
    resume = command["resume"]
    if isinstance(resume, Mapping) and all(isinstance(key, str) and _INTERRUPT_ID.fullmatch(key) for key in resume):
        return sorted(resume) or ["(none)"]  # an empty map is a keyed resume that names no interrupt
    return []


async def _read_body(receive: Receive) -> tuple[bytes, Message | None]:
    """The request's whole body; and the client's disconnect, if it went before sending it all."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks), message
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks), None


def _replay(body: bytes, gone: Message | None, receive: Receive) -> Receive:
    """A `receive` that gives the body read already (or the disconnect met), then what the client sends next."""
    first: Message | None = gone or {"type": "http.request", "body": body, "more_body": False}

    async def replay() -> Message:
        nonlocal first
        if first is not None:
            message, first = first, None
            return message
        return await receive()

    return replay


async def _ask(app: ASGIApp, scope: Scope, path: str) -> tuple[int, Any]:
    """GET `path` from the server itself, as the caller (its headers, so its auth): status and JSON body."""
    headers = [
        (name, value)
        for name, value in scope.get("headers", [])
        if name.lower() not in (b"content-length", b"content-type", b"transfer-encoding", b"accept")
    ]
    asked: Scope = {
        **scope,
        "method": "GET",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": [*headers, (b"accept", b"application/json")],
    }
    status = 500
    chunks: list[bytes] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(asked, receive, send)
    try:
        return status, json.loads(b"".join(chunks) or b"null")
    except ValueError:
        return status, None


async def refusal(
    app: ASGIApp, scope: Scope, thread_id: str, keys: list[str], payload: Mapping[str, Any]
) -> JSONResponse | None:
    """The 409 answer for a resume with nothing to answer on the thread, or None to let the server take it."""
    status, thread = await _ask(app, scope, f"/threads/{thread_id}")
    if status == 404 and payload.get("if_not_exists") == "create":
        pending: list[str] = []  # a thread made for this resume waits on nothing
    elif status != 200 or not isinstance(thread, dict) or thread.get("status") == "busy":
        return None  # LangGraph answers (not found, not allowed), or its multitask strategy decides
    else:
        status, state = await _ask(app, scope, f"/threads/{thread_id}/state")
        if status != 200 or not isinstance(state, dict):
            return None
        pending = [str(item.get("id")) for item in state.get("interrupts") or [] if isinstance(item, dict)]
    if pending and not keys:
        return None  # a plain value answers the open interrupt; claimflow's review step checks it
    if pending and set(keys) <= set(pending):
        return None
    return await _conflict(thread_id, keys, pending, payload["command"]["resume"])  # resume_keys read it


async def _conflict(thread_id: str, keys: list[str], pending: list[str], resume: object) -> JSONResponse:
    """Say what became of the thread's run and what to do, as claimflow's registry tells it.

    The refused decision is kept in the run's decision history, with the reason said here (`keep_refused`).
    """
    run: dict[str, Any] | None = None
    open_review: str | None = None
    try:
        async with ENGINES.in_use():
            engine = await ENGINES.get(None)
            try:
                row = await engine.registry.get_run(thread_id)
            except RunNotFoundError:
                row = None
            if row is None or row.run_id != thread_id:  # a prefix of another run's id is not this run
                said = _no_run(thread_id)
            else:
                run = (await engine.view_of(row)).model_dump(mode="json")
                open_review = row.interrupt_id if row.status == "needs_review" else None
                if pending:
                    said = _not_pending(thread_id, keys, pending, open_review)
                elif open_review is not None:
                    said = _not_paused(thread_id, open_review)
                else:
                    # Who decided first, in the words `review decide` and the REST API use for the same refusal.
                    first = await engine.decided_before(thread_id, None)
                    said = f"{_REFUSED}{await engine.not_decidable(row)}{first}."
                await keep_refused(engine, row, resume, keys, _reason(said))
                if not pending and open_review is None:
                    said += " The thread's state shows where it stands (`threads.get_state`)."
    except (SetupError, RegistryError) as error:
        # The thread's own state says enough to refuse: only claimflow's account of the run is missing.
        _log.warning("a resume on thread %s was refused; claimflow could not read its run: %s", thread_id, error)
        said = (
            _not_pending(thread_id, keys, pending, None)
            if pending
            else f"{_REFUSED}thread {thread_id} waits on no review; `threads.get_state` shows where it stands"
        )
    body = {"message": said, "thread_id": thread_id, "run": run, "review_id": open_review, "interrupts": pending}
    return JSONResponse(body, status_code=409)


def _reason(said: str) -> str:
    """Why the decision was refused, as the decision history keeps a reason (without `decision refused...: `)."""
    return said.removeprefix(_STAYS_OPEN).removeprefix(_REFUSED)


def _no_run(thread_id: str) -> str:
    return (
        f"{_REFUSED}thread {thread_id} holds no claimflow run, so no review waits for a decision; "
        'send a document first (`{"path": ...}`)'
    )


def _not_pending(thread_id: str, keys: list[str], pending: list[str], open_review: str | None) -> str:
    """A resume keyed by interrupts the thread does not wait on (answered already, or never its own)."""
    review = f" (review {open_review} of run {thread_id})" if open_review else ""
    return (
        f"{_STAYS_OPEN}it answers interrupt {', '.join(keys)}, which thread "
        f"{thread_id} does not wait on; it waits on {', '.join(pending)}{review}: read it again "
        "(`threads.get_state`) and answer that one"
    )


def _not_paused(thread_id: str, open_review: str) -> str:
    """A run waiting for review on a thread not paused at it (a server restarted without its threads)."""
    return (
        f"{_REFUSED}run {thread_id} waits for review {open_review}, but its thread is not paused at it; "
        "send the run's document again on the thread, which asks the review again, then the decision "
        f"(or answer it with `claimflow review decide {thread_id}`)"
    )


class ResumeChecks:
    """ASGI middleware: refuse (409) a resume that answers no open interrupt of its thread; pass on all else."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Read a new run's payload on a thread; answer 409 for a resume with nothing to answer, else pass it on."""
        thread_id = resumed_thread(scope)
        if thread_id is None:
            await self.app(scope, receive, send)
            return
        body, gone = await _read_body(receive)
        try:
            payload = json.loads(body) if gone is None else None
        except ValueError:
            payload = None  # LangGraph says what is wrong with it
        keys = resume_keys(payload)
        if keys is not None and isinstance(payload, Mapping):
            refused = await refusal(self.app, scope, thread_id, keys, payload)
            if refused is not None:
                await refused(scope, receive, send)
                return
        await self.app(scope, _replay(body, gone, receive), send)
