"""A thread deleted through LangGraph's server (`threads.delete`): its claimflow run stops waiting for a review.

A thread's run id is the thread id, and the thread is the only way the server's clients answer the run's review.
Deleted, it leaves a review no client can reach: `claimflow runs` and `review list` would show the run waiting
for good. LangGraph calls no graph code when it deletes a thread, so the server's HTTP app watches the request:
once `DELETE /threads/{id}` succeeds, a run of that id that waits for review fails with the reason, and how to
run its document again. Runs in any other status are left as they stand (a record stays a record).
"""

from __future__ import annotations

import logging
import re
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from claimflow.runtime.engine import Engine
from claimflow.runtime.errors import SetupError
from claimflow.runtime.registry import RegistryError, RunBusyError, RunNotFoundError, RunRow
from claimflow.runtime.registry.runs import close_owner, engine_owner
from claimflow.runtime.server.context import ENGINES
from claimflow.state.events import event

_THREAD_PATH = re.compile(r"/threads/([^/]+)/?")


def deleted_thread(scope: Scope) -> str | None:
    """The thread id a `DELETE /threads/{id}` request names (as the server's thread ids read), else None."""
    if scope["type"] != "http" or scope["method"] != "DELETE":
        return None
    found = _THREAD_PATH.fullmatch(scope["path"])
    if found is None:
        return None
    try:
        return str(uuid.UUID(found.group(1)))
    except ValueError:
        return None


def thread_gone_reason(row: RunRow) -> str:
    """Why a run whose thread was deleted failed, and what to do."""
    return (
        f"its LangGraph thread was deleted while it waited for review {row.interrupt_id}; "
        f"`claimflow rerun {row.run_id}` runs its document again"
    )


async def give_up_review(engine: Engine, run_id: str) -> RunRow | None:
    """Fail the run `run_id` if it waits for review, saying its thread is gone; the run failed, else None.

    A review being answered at that moment (a decision holding the run) is left to finish.
    """
    try:
        row = await engine.registry.get_run(run_id)
    except RunNotFoundError:
        return None
    if row.run_id != run_id or row.status != "needs_review":  # a prefix of another run's id is not this run
        return None
    reason = thread_gone_reason(row)
    owner = engine_owner()
    try:
        await engine.registry.claim(
            run_id, owner=owner, allowed=("needs_review",), status="needs_review", interrupt_id=row.interrupt_id
        )
    except RunBusyError:
        return None
    try:
        await engine.registry.append_events(run_id, [event("run.failed", "server", reason=reason)])
        await engine.registry.release(run_id, owner=owner, status="failed", error=reason)
    finally:
        close_owner(owner)
    return await engine.registry.get_run(run_id)


class ThreadDeletions:
    """ASGI middleware: after the server deleted a thread, and before it answers, give up its run's review."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; on a thread's deletion, fail its waiting run before the answer goes out."""
        thread_id = deleted_thread(scope)
        if thread_id is None:
            await self.app(scope, receive, send)
            return

        async def answer(message: Message) -> None:
            # The answer's start comes once the thread is gone: the client sees the run failed when it returns.
            if message["type"] == "http.response.start" and 200 <= message["status"] < 300:
                await _thread_deleted(thread_id)
            await send(message)

        await self.app(scope, receive, answer)


_log = logging.getLogger(__name__)


async def _thread_deleted(thread_id: str) -> None:
    async with ENGINES.in_use():
        try:
            engine = await ENGINES.get(None)
            failed = await give_up_review(engine, thread_id)
        except (SetupError, RegistryError) as error:
            # The thread is deleted whatever claimflow makes of it: say why its run still waits, and go on.
            _log.warning("thread %s was deleted; its claimflow run could not be given up: %s", thread_id, error)
            return
    if failed is not None:
        _log.info("thread %s was deleted; claimflow run %s failed: %s", thread_id, failed.run_id, failed.error)
